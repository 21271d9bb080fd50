package io.stowage.des.s3;

import io.stowage.des.DesException;

/**
 * A value in a shared index cache is not a valid {@link IndexCodec} encoding (foreign, damaged, or its index fails
 * validation). {@link RedisIndexCache} treats it as a miss, logs it and overwrites it, so it never reaches a caller.
 *
 * <p>Immutable and thread-safe.
 */
final class DesS3InvalidCacheValueException extends DesException {
    private static final long serialVersionUID = 1L;

    DesS3InvalidCacheValueException(String message, Throwable cause) {
        super(message, cause);
    }
}
