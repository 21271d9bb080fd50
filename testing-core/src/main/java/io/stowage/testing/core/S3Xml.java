package io.stowage.testing.core;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** The S3 wire details of {@link LyingS3}: XML documents, key order, tokens, ranges, URL decoding. Stateless. */
final class S3Xml {
    static final String HEADER = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";

    private S3Xml() {
    }

    /** S3's key order: unsigned UTF-8 bytes. */
    static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** A continuation token naming the last key of a page. */
    static String token(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }

    /** The key a token of {@link #token} names; a token the server never issued names no key ({@code ""}). */
    static String tokenKey(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        b.append("&#").append((int) c).append(';');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** Decodes {@code %XX} escapes of a path as UTF-8 ({@code +} stays a plus, as in S3 paths). */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); ) {
            if (s.charAt(i) == '%' && i + 2 < s.length()) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 3;
            } else {
                int cp = s.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The query parameters (the last value of a repeated name); a name without {@code =} maps to {@code ""}. */
    static Map<String, String> query(String rawQuery) {
        Map<String, String> q = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return q;
        }
        for (String part : rawQuery.split("&")) {
            int eq = part.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(name, value);
        }
        return q;
    }

    /**
     * The first and last byte of one {@code first-last}, {@code first-} or {@code -suffix} range of an object of
     * {@code size} bytes (the end clamped to the size); {@code null} when it is not satisfiable.
     */
    static long[] range(String spec, long size) {
        int dash = spec.indexOf('-');
        if (dash < 0 || spec.indexOf(',') >= 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        if (a.isEmpty()) {
            long suffix = Long.parseLong(b);
            return suffix <= 0 || size == 0 ? null : new long[] {Math.max(0, size - suffix), size - 1};
        }
        long first = Long.parseLong(a);
        long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
        return first >= size || last < first ? null : new long[] {first, last};
    }

    /** One ListObjectsV2 result page being built. Confined to the request's thread. */
    static final class Page {
        private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

        private final String bucket;
        private final String prefix;
        private final String delimiter;
        private final int maxKeys;
        private final String token;
        private final boolean urlEncoded;
        private final StringBuilder contents = new StringBuilder();
        private final StringBuilder prefixes = new StringBuilder();
        private int count;
        private String lastKey;
        private String lastCommonPrefix;
        private String nextToken;

        Page(String bucket, String prefix, String delimiter, int maxKeys, String token, boolean urlEncoded) {
            this.bucket = bucket;
            this.prefix = prefix;
            this.delimiter = delimiter == null || delimiter.isEmpty() ? null : delimiter;
            this.maxKeys = maxKeys;
            this.token = token;
            this.urlEncoded = urlEncoded;
        }

        boolean full() {
            return count >= maxKeys;
        }

        String lastKey() {
            return lastKey;
        }

        /**
         * The common prefix {@code key} rolls up into under the delimiter, or {@code null} when it is listed itself.
         */
        String commonPrefix(String key) {
            if (delimiter == null) {
                return null;
            }
            int d = key.indexOf(delimiter, prefix.length());
            return d < 0 ? null : key.substring(0, d + delimiter.length());
        }

        /** Whether {@code key} rolls up into the common prefix just added (so it takes no place on the page). */
        boolean inLastCommonPrefix(String key) {
            return lastCommonPrefix != null && key.startsWith(lastCommonPrefix);
        }

        void add(String key, long size, String eTag, Instant lastModified) {
            String cp = commonPrefix(key);
            if (cp != null) {
                prefixes.append("<CommonPrefixes><Prefix>").append(text(cp)).append("</Prefix></CommonPrefixes>");
                lastCommonPrefix = cp;
            } else {
                contents.append("<Contents><Key>").append(text(key)).append("</Key><LastModified>")
                        .append(ISO.format(lastModified.truncatedTo(ChronoUnit.MILLIS))).append("</LastModified><ETag>")
                        .append("&quot;").append(eTag).append("&quot;</ETag><Size>").append(size)
                        .append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
            }
            lastKey = key;
            count++;
        }

        /** Marks the page truncated with this next token ({@code null}: not truncated after all). */
        void truncate(String next) {
            nextToken = next;
        }

        String xml() {
            StringBuilder b = new StringBuilder(HEADER).append("<ListBucketResult xmlns=\"").append(NS).append("\">");
            b.append("<Name>").append(escape(bucket)).append("</Name>");
            b.append("<Prefix>").append(text(prefix)).append("</Prefix>");
            if (delimiter != null) {
                b.append("<Delimiter>").append(text(delimiter)).append("</Delimiter>");
            }
            if (urlEncoded) {
                b.append("<EncodingType>url</EncodingType>");
            }
            b.append("<KeyCount>").append(count).append("</KeyCount><MaxKeys>").append(maxKeys).append("</MaxKeys>");
            if (token != null) {
                b.append("<ContinuationToken>").append(escape(token)).append("</ContinuationToken>");
            }
            b.append("<IsTruncated>").append(nextToken != null).append("</IsTruncated>");
            if (nextToken != null) {
                b.append("<NextContinuationToken>").append(escape(nextToken)).append("</NextContinuationToken>");
            }
            return b.append(contents).append(prefixes).append("</ListBucketResult>").toString();
        }

        private String text(String s) {
            return urlEncoded ? URLEncoder.encode(s, StandardCharsets.UTF_8) : escape(s);
        }
    }
}
