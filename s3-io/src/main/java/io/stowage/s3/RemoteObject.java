package io.stowage.s3;

import java.time.Instant;

/**
 * An object as a listing shows it (no extra request per object).
 *
 * <p>{@code if (remote != null && remote.isSinglePartMd5()) ...}
 *
 * <p>Immutable and thread-safe.
 *
 * @param key          the full key
 * @param size         size in bytes
 * @param eTag         the ETag without quotes (the MD5 in hex for single-part uploads on S3 and S3Proxy;
 *                     {@code md5-of-part-md5s-N} for multipart)
 * @param lastModified when it was stored, or {@code null} if unknown
 */
public record RemoteObject(String key, long size, String eTag, Instant lastModified) {
    /** Whether the ETag looks like a plain MD5 (32 hex digits). */
    public boolean isSinglePartMd5() {
        return eTag != null && eTag.length() == 32 && eTag.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /** The number of parts for a multipart ETag ({@code ...-N}), or 0. */
    public int multipartCount() {
        if (eTag == null) {
            return 0;
        }
        int dash = eTag.lastIndexOf('-');
        if (dash != 32) {
            return 0;
        }
        try {
            return Integer.parseInt(eTag.substring(dash + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
