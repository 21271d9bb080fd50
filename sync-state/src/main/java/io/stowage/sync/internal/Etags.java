package io.stowage.sync.internal;

import io.stowage.s3.UploadOptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Compares a local file with an S3 ETag as recorded in the ledger: the MD5 in hex for single-part objects, the MD5
 * of the part MD5s with {@code -N} for multipart objects (parts as {@link UploadOptions#partSizeFor} cuts them).
 */
final class Etags {
    private Etags() {}

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }

    /** Whether {@code file} (of {@code size} bytes) has the content the ETag describes. */
    public static boolean matches(Path file, long size, String eTag, UploadOptions options) throws IOException {
        if (eTag == null) {
            return false;
        }
        String e = eTag.toLowerCase(Locale.ROOT);
        if (e.length() == 32 && e.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return e.equals(HexFormat.of().formatHex(digest(file, 0, size)));
        }
        int dash = e.lastIndexOf('-');
        if (dash != 32) {
            return false;
        }
        int parts;
        try {
            parts = Integer.parseInt(e.substring(dash + 1));
        } catch (NumberFormatException ex) {
            return false;
        }
        long partSize = options.partSizeFor(size);
        if (parts != (int) ((size + partSize - 1) / partSize)) {
            return false;
        }
        MessageDigest all = md5();
        for (long off = 0; off < size; off += partSize) {
            all.update(digest(file, off, Math.min(partSize, size - off)));
        }
        return e.equals(HexFormat.of().formatHex(all.digest()) + "-" + parts);
    }

    private static byte[] digest(Path file, long offset, long length) throws IOException {
        MessageDigest md = md5();
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            byte[] buf = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException(file + " is shorter than " + (offset + length) + " bytes (it changed)");
                }
                md.update(buf, 0, n);
                left -= n;
            }
        }
        return md.digest();
    }
}
