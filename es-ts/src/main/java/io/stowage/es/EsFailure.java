package io.stowage.es;

/**
 * A segment that could not be read after every retry (access denied, persistent 5xx, connection failures).
 *
 * <p>Immutable and thread-safe.
 *
 * @param key      the segment key relative to the source
 * @param reason   the last error
 * @param attempts how many times it was tried
 */
public record EsFailure(String key, String reason, int attempts) {
}
