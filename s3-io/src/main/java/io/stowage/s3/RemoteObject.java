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
    /** Whether the ETag looks like a plain MD5 (32 hex digits): {@link ETags#isPlainMd5}. */
    public boolean isSinglePartMd5() {
        return ETags.isPlainMd5(eTag);
    }

    /** The number of parts for a multipart ETag ({@code ...-N}), or 0: {@link ETags#partCount}. */
    public int multipartCount() {
        return ETags.partCount(eTag);
    }
}
