package io.stowage.es;

import java.time.Instant;

/**
 * A stretch of the requested range with no data in the output: a missing or failed segment (its interval, clipped to
 * the range) or records lost to corruption or a stream discontinuity at a join (from the last good record before to
 * the first good record after).
 *
 * <p>{@code new EsGap(Instant.parse("2025-01-01T12:00:04Z"), Instant.parse("2025-01-01T12:00:08Z"), "missing segment")}
 *
 * <p>Immutable and thread-safe.
 *
 * @param from   start of the gap
 * @param to     end of the gap (exclusive)
 * @param reason {@code missing segment}, {@code failed segment}, {@code empty segment}, {@code corrupt data} or
 *               {@code discontinuity}
 */
public record EsGap(Instant from, Instant to, String reason) {
}
