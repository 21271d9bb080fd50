package io.stowage.es;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One ES segment: its key relative to the store's prefix ({@code DDMMYYYY/HH/start-end.es}) and its interval
 * [start, end) in Unix epoch seconds (ES-SEGMENTS.md).
 *
 * <pre>{@code
 * List<EsSegment> keys = EsSegment.covering(Instant.parse("2025-01-01T11:59:58Z"),
 *         Instant.parse("2025-01-01T12:00:05Z"), Duration.ofSeconds(4));
 * // 01012025/11/1735732796-1735732800.es, 01012025/12/1735732800-1735732804.es, 01012025/12/1735732804-1735732808.es
 * Optional<EsSegment> s = EsSegment.parseKey("01012025/12/1735732800-1735732804.es");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param key   the key relative to the prefix, e.g. {@code 01012025/12/1735732800-1735732804.es}
 * @param start first second of the segment (Unix epoch seconds, UTC)
 * @param end   end of the segment, exclusive
 */
public record EsSegment(String key, long start, long end) implements Comparable<EsSegment> {
    private static final Pattern NAME = Pattern.compile("^(\\d{1,19})-(\\d{1,19})\\.es$");
    /**
     * Latest end second a segment may have: its times in nanoseconds (as records carry them) must fit a {@code long}
     * (2262-04-11T23:47:15Z).
     */
    public static final long MAX_END = Long.MAX_VALUE / 1_000_000_000L - 1;
    /** Longest segment a key may name (one day): a longer one is not a recorder's segment. */
    public static final long MAX_DURATION = 86_400;

    public EsSegment {
        Objects.requireNonNull(key, "key");
        if (end <= start) {
            throw new IllegalArgumentException("segment " + key + ": end " + end + " is not after start " + start);
        }
    }

    /** The segment of the standard layout that starts at {@code start} and lasts {@code durationSeconds}. */
    public static EsSegment of(long start, long durationSeconds) {
        if (durationSeconds < 1) {
            throw new IllegalArgumentException("segment duration " + durationSeconds + " s must be at least 1 s");
        }
        return new EsSegment(folderOf(start) + start + "-" + (start + durationSeconds) + ".es", start,
                start + durationSeconds);
    }

    /** The {@code DDMMYYYY/HH/} folder (day first, UTC) holding segments that start at {@code epochSecond}. */
    public static String folderOf(long epochSecond) {
        ZonedDateTime t = Instant.ofEpochSecond(epochSecond).atZone(ZoneOffset.UTC);
        return String.format("%02d%02d%04d/%02d/", t.getDayOfMonth(), t.getMonthValue(), t.getYear(), t.getHour());
    }

    /**
     * Parses a key (or a bare file name) whose file name matches {@code ^(\d+)-(\d+)\.es$}; any folder part is kept as
     * given. Empty for names that are not segments (see {@link #whyNotSegment}).
     */
    public static Optional<EsSegment> parseKey(String key) {
        return whyNotSegment(key) == null ? Optional.of(parse(key)) : Optional.empty();
    }

    /**
     * Why {@code key} is not a sane segment key, or null if it is one: the name does not match
     * {@code start-end.es}, a number is out of range, the end is not after the start, the end lies past
     * {@link #MAX_END}, or it lasts longer than {@link #MAX_DURATION}.
     */
    public static String whyNotSegment(String key) {
        int slash = key.lastIndexOf('/');
        Matcher m = NAME.matcher(key.substring(slash + 1));
        if (!m.matches()) {
            return "the name is not start-end.es";
        }
        long s;
        long e;
        try {
            s = Long.parseLong(m.group(1));
            e = Long.parseLong(m.group(2));
        } catch (NumberFormatException ex) {
            return "a number does not fit in 64 bits";
        }
        if (e <= s) {
            return "end " + e + " is not after start " + s;
        }
        if (e > MAX_END) {
            return "end " + e + " lies after " + Instant.ofEpochSecond(MAX_END) + ", the latest time a record can carry";
        }
        if (e - s > MAX_DURATION) {
            return "it lasts " + (e - s) + " s, longer than a segment can (" + MAX_DURATION + " s)";
        }
        return null;
    }

    private static EsSegment parse(String key) {
        int slash = key.lastIndexOf('/');
        Matcher m = NAME.matcher(key.substring(slash + 1));
        m.matches();
        return new EsSegment(key, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    /**
     * The keys of the standard layout whose interval overlaps [from, to), in time order, computed without listing.
     * Starts are aligned so that {@code (start mod 3600) mod duration == 0}; for a duration that does not divide an
     * hour the alignment restarts every hour.
     *
     * @throws IllegalArgumentException if {@code from >= to} or the duration is not 1 s to 1 h in whole seconds
     */
    public static List<EsSegment> covering(Instant from, Instant to, Duration segmentDuration) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from " + from + " must be before to " + to);
        }
        long d = segmentDuration.getSeconds();
        if (segmentDuration.getNano() != 0 || d < 1 || d > 3600) {
            throw new IllegalArgumentException("segment duration " + segmentDuration
                    + " must be whole seconds between 1 s and 1 h");
        }
        long fromS = from.getEpochSecond();
        long toS = to.getEpochSecond() + (to.getNano() > 0 ? 1 : 0); // smallest whole second >= to
        List<EsSegment> out = new ArrayList<>();
        long hour = Math.floorDiv(fromS - d, 3600) * 3600;
        for (; hour < toS; hour += 3600) {
            for (long s = hour; s < hour + 3600; s += d) {
                long e = s + d;
                // overlap of [s, e) with [from, to): s < to and e > from (from may have nanos)
                boolean startsBeforeTo = s < to.getEpochSecond() || (s == to.getEpochSecond() && to.getNano() > 0);
                boolean endsAfterFrom = e > from.getEpochSecond();
                if (startsBeforeTo && endsAfterFrom && s < toS) {
                    out.add(of(s, d));
                }
            }
        }
        return out;
    }

    /** Segment start as an instant. */
    public Instant startInstant() {
        return Instant.ofEpochSecond(start);
    }

    /** Segment end (exclusive) as an instant. */
    public Instant endInstant() {
        return Instant.ofEpochSecond(end);
    }

    /** Duration in seconds. */
    public long durationSeconds() {
        return end - start;
    }

    /** Whether [start, end) overlaps [from, to). */
    public boolean overlaps(Instant from, Instant to) {
        return startInstant().isBefore(to) && endInstant().isAfter(from);
    }

    @Override
    public int compareTo(EsSegment o) {
        int c = Long.compare(start, o.start);
        if (c != 0) {
            return c;
        }
        c = Long.compare(end, o.end);
        return c != 0 ? c : key.compareTo(o.key);
    }
}
