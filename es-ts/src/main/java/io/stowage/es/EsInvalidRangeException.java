package io.stowage.es;

import java.time.Duration;
import java.time.Instant;

/**
 * The requested time range is unusable: {@code from >= to}, longer than {@link EsFetchOptions#maxRange()}, or outside
 * the times segments can have ({@link #EARLIEST} .. {@link #LATEST}).
 * The command line maps it to exit code 2 (bad usage).
 *
 * <p>{@code catch (EsInvalidRangeException e) { log.warn("{} .. {} over {}", e.from(), e.to(), e.maxRange()); }};
 * immutable and thread-safe.
 */
public final class EsInvalidRangeException extends EsException {
    private static final long serialVersionUID = 1L;
    private final Instant from;
    private final Instant to;
    private final Duration maxRange;

    /**
     * @param from     the requested start
     * @param to       the requested end (exclusive)
     * @param maxRange the longest range accepted
     */
    public EsInvalidRangeException(Instant from, Instant to, Duration maxRange) {
        super(message(from, to, maxRange));
        this.from = from;
        this.to = to;
        this.maxRange = maxRange;
    }

    /** Earliest time a fetch may start: segments are named in Unix epoch seconds. */
    public static final Instant EARLIEST = Instant.EPOCH;
    /** Latest time a fetch may end: record times in nanoseconds must fit 64 bits, with room for a segment. */
    public static final Instant LATEST = Instant.ofEpochSecond(EsSegment.MAX_END - 2 * EsSegment.MAX_DURATION);

    private static String message(Instant from, Instant to, Duration maxRange) {
        if (from.isBefore(EARLIEST) || to.isAfter(LATEST) || from.isAfter(LATEST) || to.isBefore(EARLIEST)) {
            return "range " + from + " .. " + to + " lies outside the times segments can have (" + EARLIEST + " .. "
                    + LATEST + "); give --from and --to within it";
        }
        if (!from.isBefore(to)) {
            return "--from " + from + " must be before --to " + to + " (the range is half-open [from, to))";
        }
        return "range " + from + " .. " + to + " is " + Duration.between(from, to).toSeconds()
                + " s, longer than the limit " + maxRange.toSeconds()
                + " s; split it or raise EsFetchOptions.maxRange (--max-range)";
    }

    /** The requested start. */
    public Instant from() {
        return from;
    }

    /** The requested end (exclusive). */
    public Instant to() {
        return to;
    }

    /** The longest range accepted ({@link EsFetchOptions#maxRange()}). */
    public Duration maxRange() {
        return maxRange;
    }
}
