package io.stowage.transcode.jobs;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A job's id: 24 lower-case hex digits, the first 12 the creation time in milliseconds (so ids sort by time), the
 * rest random. Safe in S3 keys, Redis keys and URLs.
 *
 * <pre>{@code
 * JobId id = JobId.parse("0192f3a4b5c6d7e8f9a0b1c2");
 * JobId fresh = JobId.next();
 * }</pre>
 *
 * <p>Immutable, so thread-safe.
 */
public record JobId(String value) {
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{24}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** @throws IllegalArgumentException when {@code value} is not 24 lower-case hex digits */
    public JobId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("job id '" + value + "' is not 24 lower-case hex digits");
        }
    }

    /** A new id for now. */
    public static JobId next() {
        long millis = System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL;
        long rnd = RANDOM.nextLong() & 0xFFFF_FFFF_FFFFL;
        return new JobId(String.format(Locale.ROOT, "%012x%012x", millis, rnd));
    }

    /**
     * Parses an id given by a user; text that cannot be an id is a job that does not exist.
     *
     * @throws TranscodeJobsNotFoundException when {@code text} is not an id
     */
    public static JobId parse(String user, String text) {
        if (text == null || !FORMAT.matcher(text).matches()) {
            throw new TranscodeJobsNotFoundException(user, String.valueOf(text));
        }
        return new JobId(text);
    }

    /** True when {@code text} has the form of an id. */
    public static boolean isValid(String text) {
        return text != null && FORMAT.matcher(text).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
