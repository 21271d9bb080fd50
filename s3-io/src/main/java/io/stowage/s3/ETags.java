package io.stowage.s3;

import io.stowage.s3.internal.Md5s;

import java.io.IOException;
import java.nio.file.Path;

/**
 * S3's ETag rules in one place: what a listed or returned ETag means, and the ETag a local file would get.
 *
 * <pre>{@code
 * String eTag = ETags.unquote(head.eTag());                       // "\"9e10...\"" -> "9e10..."
 * boolean same = ETags.matches(file, size, eTag, options.partSizeFor(size));   // the one "same content" rule
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class ETags {
    private ETags() {}

    /** The ETag without the quotes S3 puts around it (and surrounding blanks); {@code null} stays {@code null}. */
    public static String unquote(String eTag) {
        if (eTag == null) {
            return null;
        }
        String e = eTag.trim();
        if (e.length() >= 2 && e.charAt(0) == '"' && e.charAt(e.length() - 1) == '"') {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    /** Whether an (unquoted) ETag is a plain MD5 in hex: 32 hex digits, as S3 gives a single-part upload. */
    public static boolean isPlainMd5(String eTag) {
        return eTag != null && eTag.length() == 32 && startsWithMd5(eTag);
    }

    private static boolean startsWithMd5(String eTag) {
        for (int i = 0; i < 32; i++) {
            if (Character.digit(eTag.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether an (unquoted) ETag is a multipart ETag: 32 hex digits, a dash and the part count. */
    public static boolean isMultipart(String eTag) {
        return partCount(eTag) > 0;
    }

    /** The part count of a multipart ETag ({@code <md5>-N}), or 0 if the ETag is not one. */
    public static int partCount(String eTag) {
        if (eTag == null || eTag.length() < 34 || eTag.charAt(32) != '-' || !startsWithMd5(eTag)) {
            return 0;
        }
        try {
            int n = Integer.parseInt(eTag.substring(33));
            return Math.max(n, 0);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The MD5 of a whole file in lower-case hex: the ETag a single-part upload of it gets.
     *
     * @throws IOException if the file cannot be read (or shrinks while it is read)
     */
    public static String md5Hex(Path file) throws IOException {
        return Md5s.hex(Md5s.ofFile(file, 0, java.nio.file.Files.size(file)));
    }

    /**
     * The ETag a multipart upload of the first {@code size} bytes of {@code file} gets with parts of {@code partSize}
     * bytes: the MD5 of the concatenated part MD5s, a dash and the part count.
     *
     * @throws IOException if the file cannot be read or is shorter than {@code size}
     */
    public static String multipartETag(Path file, long size, long partSize) throws IOException {
        if (partSize <= 0) {
            throw new IllegalArgumentException("partSize " + partSize + " must be positive");
        }
        return Md5s.multipartETag(file, size, partSize);
    }

    /**
     * Whether the first {@code size} bytes of {@code file} have the content {@code eTag} describes: a plain MD5 ETag
     * is compared with the file's MD5; a multipart ETag ({@code ...-N}) with the multipart ETag computed with parts of
     * {@code partSize} bytes (so objects uploaded with the same part size compare exactly; others do not match). Any
     * other ETag (or {@code null}) does not match. Reads the file once, and not at all when the part count already
     * differs. The rule behind {@link SkipPolicy#sameSizeAndChecksum} and the sync ledger's checksum checks.
     *
     * @throws IOException if the file cannot be read or is shorter than {@code size}
     */
    public static boolean matches(Path file, long size, String eTag, long partSize) throws IOException {
        if (eTag == null) {
            return false;
        }
        if (isPlainMd5(eTag)) {
            return Md5s.hex(Md5s.ofFile(file, 0, size)).equalsIgnoreCase(eTag);
        }
        int parts = partCount(eTag);
        if (parts <= 0) {
            return false;
        }
        if (partSize <= 0) {
            throw new IllegalArgumentException("partSize " + partSize + " must be positive");
        }
        return parts == Math.max(1, (size + partSize - 1) / partSize)
                && Md5s.multipartETag(file, size, partSize).equalsIgnoreCase(eTag);
    }
}
