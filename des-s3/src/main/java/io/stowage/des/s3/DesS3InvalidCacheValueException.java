package io.stowage.des.s3;

import io.stowage.des.DesException;

/**
 * A value in a shared index cache is not a valid {@link IndexCodec} encoding (foreign, damaged, or its index fails
 * validation). {@link RedisIndexCache} treats it as a miss, logs it and overwrites it, so it never reaches a caller.
 *
 * <p>{@code catch (DesS3InvalidCacheValueException e) { log.warn("bad cache value for {}", e.archive()); }}
 *
 * <p>Immutable and thread-safe.
 */
final class DesS3InvalidCacheValueException extends DesException {
    private static final long serialVersionUID = 1L;
    private final String archive;

    /** @param archive the archive whose cached index was invalid, as {@code s3://bucket/key} */
    DesS3InvalidCacheValueException(String archive, String message, Throwable cause) {
        super(archive + ": invalid index cache value: " + message, cause);
        this.archive = archive;
    }

    /** The archive whose cached index was invalid, as {@code s3://bucket/key} (the cache key it was stored under). */
    String archive() {
        return archive;
    }
}
