package io.stowage.es;

/**
 * A byte range of a segment that was skipped, and why (bad header, truncated payload, missing sync byte, not ES at
 * all). Offsets are within the segment object.
 *
 * <p>{@code "01012025/12/1735732804-1735732808.es" at 2758, 1343 bytes: "payload size 1343 is not a multiple of 188"}
 *
 * <p>Immutable and thread-safe.
 *
 * @param key    the segment key relative to the source
 * @param offset first skipped byte in the segment
 * @param length skipped bytes
 * @param reason what was wrong with the first byte range that failed validation
 */
public record EsCorruption(String key, long offset, long length, String reason) {
}
