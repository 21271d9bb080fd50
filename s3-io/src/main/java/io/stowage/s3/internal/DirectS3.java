package io.stowage.s3.internal;

import io.stowage.s3.RemoteObject;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The data requests of a transfer (PutObject, UploadPart, GetObject) sent straight over pooled HTTP/1.1 connections,
 * for an S3-compatible endpoint (the client has an endpoint override; path-style addressing). Everything else (listing,
 * multipart create/complete/abort, HEAD, DELETE) stays on the SDK client.
 *
 * <p>Why: on a small machine the SDK's per-request CPU (interceptors, endpoint rules, auth scheme resolution, SigV4
 * with a SHA-256 of every body on http, the CRC32 trailer in aws-chunked encoding, marshalling) was most of the
 * client's time for small files (measured with JFR, see docs/s3-io.md). Requests here are signed with AWS SigV4
 * ({@code UNSIGNED-PAYLOAD}: the body is covered by {@code Content-MD5}, which the store checks and answers with
 * {@code BadDigest}, and by the ETag check of the caller). Errors become the SDK's {@link S3Exception} (status, error
 * code, message) and I/O failures {@link SdkClientException}, so the retry rules are the same on both paths.
 *
 * <p>Credentials, region and endpoint are read from the SDK client, each request resolves the credentials again
 * (session credentials refresh as in the SDK). Off with {@code -Dstowage.s3.direct=false}; never used for AWS itself
 * (no endpoint override), for a client with the caller's own execution interceptors or metric publishers, or when a
 * JVM-wide HTTP proxy is configured.
 *
 * <p>Thread-safe; {@link #close()} closes idle connections, and connections in use when they are released.
 */
public final class DirectS3 implements AutoCloseable {
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");
    private static final Pattern REQUEST_ID = Pattern.compile("<RequestId>([^<]*)</RequestId>");
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    });
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    });

    private final boolean https;
    private final String host;
    private final int port;
    private final String hostHeader;
    private final String basePath;
    private final String region;
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final int connectTimeoutMillis;
    private final int socketTimeoutMillis;
    private final int maxIdle;
    private final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile SigningKey signingKey;
    private volatile boolean closed;

    /** A request body of known length, written once per attempt. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** The answer to a GET: the headers that matter and the body stream (close it: that frees the connection). */
    public record Got(int status, long contentLength, String eTag, String mtimeMetadata, Instant lastModified,
                      InputStream body) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    private record SigningKey(String secret, String date, byte[] key) {}

    DirectS3(URI endpoint, String region, IdentityProvider<? extends AwsCredentialsIdentity> credentials,
             int connectTimeoutMillis, int socketTimeoutMillis, int maxIdle) {
        this.https = endpoint.getScheme().equalsIgnoreCase("https");
        this.host = endpoint.getHost();
        int defaultPort = https ? 443 : 80;
        this.port = endpoint.getPort() < 0 ? defaultPort : endpoint.getPort();
        this.hostHeader = port == defaultPort ? host : host + ":" + port;
        String p = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        this.basePath = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        this.region = region;
        this.credentials = credentials;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.socketTimeoutMillis = socketTimeoutMillis;
        this.maxIdle = maxIdle;
    }

    /**
     * The direct path for this SDK client, or empty: when it has no endpoint override (AWS itself), when it was built
     * with execution interceptors or metric publishers of the caller's (they must see every request), when
     * {@code -Dstowage.s3.direct=false}, or when an HTTP proxy is configured (system properties or the
     * {@code HTTP(S)_PROXY} environment variables: the SDK handles those).
     */
    public static Optional<DirectS3> forClient(S3Client s3, int connections) {
        if ("false".equalsIgnoreCase(System.getProperty("stowage.s3.direct", "true"))
                || System.getProperty("http.proxyHost") != null || System.getProperty("https.proxyHost") != null) {
            return Optional.empty();
        }
        for (String v : new String[] {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"}) {
            String proxy = System.getenv(v);
            if (proxy != null && !proxy.isBlank()) {
                return Optional.empty();   // the SDK's HTTP client reads these; a proxy may be the only way out
            }
        }
        try {
            var config = s3.serviceClientConfiguration();
            Optional<URI> endpoint = config.endpointOverride();
            if (endpoint.isEmpty() || endpoint.get().getHost() == null || config.region() == null
                    || config.credentialsProvider() == null) {
                return Optional.empty();
            }
            var override = config.overrideConfiguration();
            if (override != null && (override.executionInterceptors().stream()
                    .anyMatch(i -> !i.getClass().getName().startsWith("software.amazon.awssdk."))
                    || !override.metricPublishers().isEmpty())) {
                return Optional.empty();   // the caller watches or changes requests: every request goes through the SDK
            }
            String scheme = endpoint.get().getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
                return Optional.empty();
            }
            return Optional.of(new DirectS3(endpoint.get(), config.region().id(), config.credentialsProvider(),
                    10_000, 60_000, connections));
        } catch (RuntimeException e) {
            return Optional.empty();   // a client we do not understand (a test double): the SDK path
        }
    }

    /** PUT one object; returns the ETag header as the store sent it. */
    public String putObject(String bucket, String key, long length, String contentMd5, String contentType,
                            Map<String, String> metadata, Body body) throws BodyReadException {
        Map<String, String> h = new TreeMap<>();
        h.put("content-md5", contentMd5);
        if (contentType != null) {
            h.put("content-type", contentType);
        }
        for (Map.Entry<String, String> m : metadata.entrySet()) {
            h.put("x-amz-meta-" + m.getKey().toLowerCase(Locale.ROOT), m.getValue());
        }
        try (Response r = execute("PUT", bucket, key, "", h, body, length)) {
            r.drain();
            return r.header("etag");
        }
    }

    /** Upload one part of a multipart upload; returns its ETag header. */
    public String uploadPart(String bucket, String key, String uploadId, int partNumber, long length,
                             String contentMd5, Body body) throws BodyReadException {
        Map<String, String> h = new TreeMap<>();
        h.put("content-md5", contentMd5);
        String query = "partNumber=" + partNumber + "&uploadId=" + encode(uploadId, false);
        try (Response r = execute("PUT", bucket, key, query, h, body, length)) {
            r.drain();
            return r.header("etag");
        }
    }

    /** GET an object, or a byte range of it ({@code range} like {@code bytes=0-99}) if its ETag still matches. */
    public Got get(String bucket, String key, String range, String ifMatch) {
        Map<String, String> h = new TreeMap<>();
        if (range != null) {
            h.put("range", range);
        }
        if (ifMatch != null) {
            h.put("if-match", ifMatch);
        }
        Response r;
        try {
            r = execute("GET", bucket, key, "", h, null, 0);
        } catch (BodyReadException e) {
            throw new IllegalStateException("a GET has no body", e);
        }
        long length = r.contentLength;
        Instant lastModified = null;
        String lm = r.header("last-modified");
        if (lm != null) {
            try {
                lastModified = ZonedDateTime.parse(lm, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                lastModified = null;
            }
        }
        return new Got(r.status, length, r.header("etag"), r.header("x-amz-meta-" + UploadRun.MTIME_METADATA),
                lastModified, r.body());
    }

    /** One ListObjectsV2 page: the objects, the common prefixes (with a delimiter) and the next token or null. */
    public record Listing(List<RemoteObject> objects, List<String> prefixes, String nextToken) {}

    /**
     * One ListObjectsV2 page ({@code encoding-type=url}, as the SDK asks, so any key survives the XML), parsed here:
     * the SDK's XML unmarshalling cost more client CPU than the listing request itself.
     */
    public Listing list(String bucket, String prefix, String delimiter, String token, int maxKeys) {
        TreeMap<String, String> q = new TreeMap<>();
        q.put("list-type", "2");
        q.put("encoding-type", "url");
        q.put("max-keys", String.valueOf(maxKeys));
        q.put("prefix", prefix);
        if (delimiter != null) {
            q.put("delimiter", delimiter);
        }
        if (token != null) {
            q.put("continuation-token", token);
        }
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String> e : q.entrySet()) {
            if (query.length() > 0) {
                query.append('&');
            }
            query.append(encode(e.getKey(), false)).append('=').append(encode(e.getValue(), false));
        }
        String xml;
        try (Response r = execute("GET", bucket, null, query.toString(), new TreeMap<>(), null, 0)) {
            xml = r.text();
        } catch (BodyReadException e) {
            throw new IllegalStateException("a GET has no body", e);
        }
        return parseListing(xml);
    }

    static Listing parseListing(String xml) {
        List<RemoteObject> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        // keys are URL-encoded only when the store says so (as the SDK decides); a store that ignores the parameter
        // sends them plain, and decoding those would turn a '+' into a space
        String encoding = element(xml, "EncodingType", 0, xml.length());
        boolean url = encoding != null && encoding.trim().equalsIgnoreCase("url");
        int i = 0;
        while ((i = xml.indexOf("<Contents>", i)) >= 0) {
            int end = xml.indexOf("</Contents>", i);
            if (end < 0) {
                throw SdkClientException.create("a truncated listing: <Contents> without its end");
            }
            String key = unescape(element(xml, "Key", i, end));
            key = url ? urlDecode(key) : key;
            String size = element(xml, "Size", i, end);
            String eTag = element(xml, "ETag", i, end);
            String lm = element(xml, "LastModified", i, end);
            Instant modified = null;
            if (lm != null) {
                try {
                    modified = Instant.parse(lm.trim());
                } catch (DateTimeParseException e) {
                    modified = null;
                }
            }
            if (key == null) {
                throw SdkClientException.create("a listing entry without a <Key>");
            }
            objects.add(new RemoteObject(key, size == null ? -1 : Long.parseLong(size.trim()),
                    Md5s.unquote(unescape(eTag)), modified));
            i = end;
        }
        i = 0;
        while ((i = xml.indexOf("<CommonPrefixes>", i)) >= 0) {
            int end = xml.indexOf("</CommonPrefixes>", i);
            if (end < 0) {
                throw SdkClientException.create("a truncated listing: <CommonPrefixes> without its end");
            }
            String p = element(xml, "Prefix", i, end);
            if (p != null) {
                prefixes.add(url ? urlDecode(unescape(p)) : unescape(p));
            }
            i = end;
        }
        String truncated = element(xml, "IsTruncated", 0, xml.length());
        String next = null;
        if (truncated != null && truncated.trim().equals("true")) {
            next = unescape(element(xml, "NextContinuationToken", 0, xml.length()));
            if (next == null) {
                throw SdkClientException.create("a truncated listing without a NextContinuationToken");
            }
        }
        return new Listing(objects, prefixes, next);
    }

    private static String element(String xml, String name, int from, int to) {
        String open = "<" + name + ">";
        int a = xml.indexOf(open, from);
        if (a < 0 || a >= to) {
            return null;
        }
        int b = xml.indexOf("</" + name + ">", a);
        if (b < 0 || b > to) {
            return null;
        }
        return xml.substring(a + open.length(), b);
    }

    /** XML character references and the five predefined entities. */
    static String unescape(String s) {
        if (s == null || s.indexOf('&') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int semi;
            if (c != '&' || (semi = s.indexOf(';', i)) < 0) {
                sb.append(c);
                continue;
            }
            String ent = s.substring(i + 1, semi);
            switch (ent) {
                case "amp" -> sb.append('&');
                case "lt" -> sb.append('<');
                case "gt" -> sb.append('>');
                case "quot" -> sb.append('"');
                case "apos" -> sb.append('\'');
                default -> {
                    if (ent.startsWith("#x") || ent.startsWith("#X")) {
                        sb.appendCodePoint(Integer.parseInt(ent.substring(2), 16));
                    } else if (ent.startsWith("#")) {
                        sb.appendCodePoint(Integer.parseInt(ent.substring(1)));
                    } else {
                        sb.append('&').append(ent).append(';');
                    }
                }
            }
            i = semi;
        }
        return sb.toString();
    }

    private static String urlDecode(String s) {
        if (s == null || (s.indexOf('%') < 0 && s.indexOf('+') < 0)) {
            return s;
        }
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        closed = true;
        Conn c;
        while ((c = idle.poll()) != null) {
            c.closeQuietly();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private Response execute(String method, String bucket, String key, String query, Map<String, String> headers,
                             Body body, long length) throws BodyReadException {
        String path = basePath + "/" + encode(bucket, false) + (key == null ? "" : "/" + encode(key, true));
        Map<String, String> h = new TreeMap<>(headers);
        h.put("host", hostHeader);
        h.put("x-amz-content-sha256", UNSIGNED_PAYLOAD);
        AwsCredentialsIdentity id = credentials.resolveIdentity().join();
        String authorization = null;
        if (id != null && id.accessKeyId() != null && !id.accessKeyId().isEmpty()) {
            String amzDate = AMZ_DATE.format(Instant.now());
            h.put("x-amz-date", amzDate);
            if (id instanceof AwsSessionCredentialsIdentity s) {
                h.put("x-amz-security-token", s.sessionToken());
            }
            authorization = sign(method, path, query, h, amzDate, id);
        }
        StringBuilder head = new StringBuilder(512);
        head.append(method).append(' ').append(path);
        if (!query.isEmpty()) {
            head.append('?').append(query);
        }
        head.append(" HTTP/1.1\r\n");
        for (Map.Entry<String, String> e : h.entrySet()) {
            head.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        }
        if (authorization != null) {
            head.append("authorization: ").append(authorization).append("\r\n");
        }
        if (body != null) {
            head.append("content-length: ").append(length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        // a pooled connection the server has closed meanwhile fails before any answer: once more on a new one
        for (int attempt = 0; ; attempt++) {
            if (closed) {
                throw SdkClientException.create("the transfer was closed");
            }
            Conn c = attempt == 0 ? pooled() : null;
            boolean reused = c != null;
            try {
                if (c == null) {
                    c = connect();
                }
            } catch (IOException e) {
                throw SdkClientException.create("cannot connect to " + hostHeader + ": " + e, e);
            }
            boolean answered = false;
            try {
                c.out.write(headBytes);
                if (body != null) {
                    CountingOutputStream counted = new CountingOutputStream(c.out);
                    body.writeTo(counted);
                    if (counted.count != length) {
                        throw new IllegalStateException("the body wrote " + counted.count + " bytes, not "
                                + length);
                    }
                }
                c.out.flush();
                Response r = readResponse(c, method);
                answered = true;
                if (r.status >= 300 && !(r.status == 304)) {
                    throw r.error(method, bucket, key);
                }
                return r;
            } catch (BodyReadException e) {
                c.closeQuietly();
                throw e;
            } catch (IOException e) {
                c.closeQuietly();
                if (reused && !answered) {
                    continue;
                }
                throw SdkClientException.create(method + " " + bucket + "/" + (key == null ? "" : key) + " failed: "
                        + e, e);
            } catch (RuntimeException e) {
                if (!answered) {
                    c.closeQuietly();
                }
                throw e;
            }
        }
    }

    /**
     * A failure reading the request body from its source (a local file); {@link Body} implementations wrap their read
     * errors in it, so they are told apart from network errors (never retried here, the cause says what happened).
     */
    public static final class BodyReadException extends IOException {
        private static final long serialVersionUID = 1L;

        public BodyReadException(IOException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    private Conn pooled() {
        Conn c;
        while ((c = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (!c.socket.isClosed()) {
                return c;
            }
        }
        return null;
    }

    private void release(Conn c) {
        if (closed || idleCount.incrementAndGet() > maxIdle) {
            idleCount.decrementAndGet();
            c.closeQuietly();
            return;
        }
        idle.offerFirst(c);
    }

    private Conn connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            s.setSoTimeout(socketTimeoutMillis);
            if (https) {
                SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(s, host, port, true);
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(params);
                ssl.startHandshake();
                s = ssl;
            }
            return new Conn(s);
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    private Response readResponse(Conn c, String method) throws IOException {
        while (true) {
            String status = c.readLine();
            if (status == null) {
                throw new EOFException("the connection closed before an answer");
            }
            if (!status.startsWith("HTTP/1.") || status.length() < 12) {
                throw new IOException("not an HTTP/1.x answer: " + status);
            }
            int code;
            try {
                code = Integer.parseInt(status.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("bad HTTP status line: " + status, e);
            }
            Map<String, String> headers = new HashMap<>();
            String line;
            while ((line = c.readLine()) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
            }
            if (line == null) {
                throw new EOFException("the connection closed in the answer's headers");
            }
            if (code >= 100 && code < 200) {
                continue;   // 100 Continue and friends
            }
            boolean keepAlive = !"close".equalsIgnoreCase(headers.get("connection"));
            long length = -1;
            InputStream body;
            String te = headers.get("transfer-encoding");
            if (method.equals("HEAD") || code == 204 || code == 304) {
                body = new FixedLengthBody(c, 0, keepAlive);
                length = 0;
            } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                body = new ChunkedBody(c, keepAlive);
            } else if (headers.containsKey("content-length")) {
                try {
                    length = Long.parseLong(headers.get("content-length"));
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length: " + headers.get("content-length"), e);
                }
                body = new FixedLengthBody(c, length, keepAlive);
            } else {
                body = new FixedLengthBody(c, Long.MAX_VALUE, false);   // until the server closes
            }
            return new Response(code, headers, length, body);
        }
    }

    private String sign(String method, String path, String query, Map<String, String> sortedHeaders, String amzDate,
                        AwsCredentialsIdentity id) {
        String date = amzDate.substring(0, 8);
        StringBuilder canonical = new StringBuilder(512);
        canonical.append(method).append('\n').append(path).append('\n').append(query).append('\n');
        StringBuilder signed = new StringBuilder(128);
        for (Map.Entry<String, String> e : sortedHeaders.entrySet()) {
            canonical.append(e.getKey()).append(':').append(e.getValue().trim()).append('\n');
            if (signed.length() > 0) {
                signed.append(';');
            }
            signed.append(e.getKey());
        }
        canonical.append('\n').append(signed).append('\n').append(UNSIGNED_PAYLOAD);
        String scope = date + "/" + region + "/s3/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + HexFormat.of().formatHex(SHA256.get().digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = signingKey(id.secretAccessKey(), date);
        String signature = HexFormat.of().formatHex(hmac(key, toSign));
        return "AWS4-HMAC-SHA256 Credential=" + id.accessKeyId() + "/" + scope + ", SignedHeaders=" + signed
                + ", Signature=" + signature;
    }

    private byte[] signingKey(String secret, String date) {
        SigningKey k = signingKey;
        if (k != null && k.date().equals(date) && k.secret().equals(secret)) {
            return k.key();
        }
        byte[] kDate = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        byte[] kRegion = hmac(kDate, region);
        byte[] kService = hmac(kRegion, "s3");
        byte[] key = hmac(kService, "aws4_request");
        signingKey = new SigningKey(secret, date, key);
        return key;
    }

    private static byte[] hmac(byte[] key, String data) {
        Mac mac = HMAC.get();
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    /** SigV4's URI encoding: every byte but A-Z a-z 0-9 - _ . ~ (and {@code /} in paths) as %XX of its UTF-8. */
    static String encode(String s, boolean path) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(b.length + 16);
        for (byte x : b) {
            int c = x & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~' || (path && c == '/')) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------------------------------

    private final class Response implements AutoCloseable {
        final int status;
        final Map<String, String> headers;
        final long contentLength;
        private final InputStream body;

        Response(int status, Map<String, String> headers, long contentLength, InputStream body) {
            this.status = status;
            this.headers = headers;
            this.contentLength = contentLength;
            this.body = body;
        }

        String header(String name) {
            return headers.get(name);
        }

        InputStream body() {
            return body;
        }

        String text() {
            try (InputStream in = body) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw SdkClientException.create("reading the answer failed: " + e, e);
            }
        }

        void drain() {
            try {
                body.transferTo(OutputStream.nullOutputStream());
                body.close();
            } catch (IOException e) {
                throw SdkClientException.create("reading the answer failed: " + e, e);
            }
        }

        S3Exception error(String method, String bucket, String key) {
            String text;
            try (InputStream in = body) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                byte[] b = new byte[8192];
                int n;
                while (buf.size() < MAX_ERROR_BODY && (n = in.read(b)) >= 0) {
                    buf.write(b, 0, n);
                }
                text = buf.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "";
            }
            String code = find(CODE, text);
            String message = find(MESSAGE, text);
            if (code == null) {
                code = switch (status) {
                    case 404 -> "NoSuchKey";
                    case 412 -> "PreconditionFailed";
                    case 403 -> "AccessDenied";
                    default -> null;
                };
            }
            if (message == null) {
                message = method + " " + bucket + "/" + (key == null ? "" : key) + " answered HTTP " + status;
            }
            return (S3Exception) S3Exception.builder().statusCode(status)
                    .message(message + " (Service: S3, Status Code: " + status + ")")
                    .requestId(find(REQUEST_ID, text))
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message)
                            .serviceName("S3").build())
                    .build();
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException e) {
                // the connection is closed instead of pooled
            }
        }
    }

    private static String find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private final class Conn {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        }

        /** A CRLF-terminated header line (ISO-8859-1), or null at end of stream. */
        String readLine() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    int n = sb.length();
                    if (n > 0 && sb.charAt(n - 1) == '\r') {
                        sb.setLength(n - 1);
                    }
                    return sb.toString();
                }
                if (sb.length() > 64 * 1024) {
                    throw new IOException("an HTTP header line longer than 64 KiB");
                }
                sb.append((char) b);
            }
            return sb.length() == 0 ? null : sb.toString();
        }

        void closeQuietly() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** A body of known length; at its end the connection goes back to the pool, closed early it is closed. */
    private final class FixedLengthBody extends InputStream {
        private final Conn c;
        private long left;
        private final boolean keepAlive;
        private boolean done;

        FixedLengthBody(Conn c, long length, boolean keepAlive) {
            this.c = c;
            this.left = length;
            this.keepAlive = keepAlive;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                finish(true);
                return -1;
            }
            int n;
            try {
                n = c.in.read(b, off, (int) Math.min(len, left));
            } catch (IOException e) {
                finish(false);
                throw e;
            }
            if (n < 0) {
                finish(false);
                if (left != Long.MAX_VALUE) {
                    throw new EOFException("the connection closed with " + left + " bytes of the body missing");
                }
                return -1;
            }
            if (left != Long.MAX_VALUE) {
                left -= n;
            }
            return n;
        }

        private void finish(boolean complete) {
            if (!done) {
                done = true;
                if (complete && keepAlive) {
                    release(c);
                } else {
                    c.closeQuietly();
                }
            }
        }

        @Override
        public void close() {
            finish(left == 0);
        }
    }

    /** A chunked body (error answers of some stores); the trailer is skipped. */
    private final class ChunkedBody extends InputStream {
        private final Conn c;
        private final boolean keepAlive;
        private long chunkLeft;
        private boolean eof;
        private boolean done;

        ChunkedBody(Conn c, boolean keepAlive) {
            this.c = c;
            this.keepAlive = keepAlive;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (eof || done) {
                return -1;
            }
            try {
                if (chunkLeft == 0) {
                    String size = c.readLine();
                    if (size == null) {
                        throw new EOFException("the connection closed in a chunked body");
                    }
                    int semi = size.indexOf(';');
                    chunkLeft = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                    if (chunkLeft == 0) {
                        String t;
                        while ((t = c.readLine()) != null && !t.isEmpty()) {
                            // trailer fields: not used
                        }
                        eof = true;
                        finish(t != null);
                        return -1;
                    }
                }
                int n = c.in.read(b, off, (int) Math.min(len, chunkLeft));
                if (n < 0) {
                    throw new EOFException("the connection closed in a chunk");
                }
                chunkLeft -= n;
                if (chunkLeft == 0) {
                    c.readLine();   // the CRLF after the chunk
                }
                return n;
            } catch (IOException | NumberFormatException e) {
                finish(false);
                throw e instanceof IOException io ? io : new IOException("bad chunk size", e);
            }
        }

        private void finish(boolean complete) {
            if (!done) {
                done = true;
                if (complete && keepAlive) {
                    release(c);
                } else {
                    c.closeQuietly();
                }
            }
        }

        @Override
        public void close() {
            finish(eof);
        }
    }

    private static final class CountingOutputStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
