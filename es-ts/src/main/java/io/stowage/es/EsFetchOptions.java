package io.stowage.es;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * How {@link EsToTsParser} fetches and stitches. Immutable and validated; {@code withX} methods return copies.
 *
 * <pre>{@code
 * EsFetchOptions o = EsFetchOptions.defaults().withWorkers(16).withTrim(true).withResume(true)
 *         .withListener(progressBar);
 * }</pre>
 *
 * <p>Thread-safe (immutable).
 *
 * @param workers         parallel segment downloads for a remote store (1..256)
 * @param window          segments fetched ahead of the one being written (at least {@code workers}); memory is
 *                        bounded by {@code window * spoolMemory} whatever the range length
 * @param segmentDuration recorder segment length used to compute keys without listing (whole seconds, 1 s..1 h)
 * @param listing         list the hour folders instead of computing keys (recorders with other segment lengths)
 * @param trim            drop records outside [from, to) and start at a PAT/PMT and the last keyframe at or before
 *                        {@code from}; without it whole segments are written, like the reference tool
 * @param preroll         with trim: how far before {@code from} to fetch so that a keyframe before {@code from} is found
 *                        (at least one GOP)
 * @param maxRange        longest accepted range; a longer one is refused with {@link EsInvalidRangeException}
 * @param maxRecordSize   largest accepted record payload in bytes; a header declaring more is corrupt
 * @param utcSlack        how far a record's utc_ns may lie outside its segment's interval and still be plausible
 * @param startCode       required record start code (0..255), or -1 to accept any (the reference does not check it)
 * @param maxAttempts     attempts per segment for transient store errors (1 = no retry)
 * @param retryDelay      first backoff delay; doubled per attempt, with jitter, capped at 10 s
 * @param spoolMemory     bytes of one fetched-ahead segment kept in memory; the rest goes to a temporary file
 * @param maxPrerollBytes with trim: most bytes held while looking for the keyframe before {@code from}
 * @param overwrite       replace an existing output file ({@code --force})
 * @param resume          continue an interrupted fetch from {@code OUT.part} ({@code --resume})
 * @param checkpointInterval how often the resume state is saved (data fsynced first); zero saves after every
 *                        segment
 * @param listener        told of the plan, each segment written and each retry ({@link EsFetchListener#none()} by
 *                        default)
 * @param maxReported     most entries of each list of the report (missing, failed, corrupt; 0..1000000); the report
 *                        also counts them all
 * @param stopRequested   polled between segments; when it answers true the fetch saves its resume state and stops
 *                        with {@link EsFetchStoppedException} (e.g. set from a SIGTERM handler)
 */
public record EsFetchOptions(
        int workers,
        int window,
        Duration segmentDuration,
        boolean listing,
        boolean trim,
        Duration preroll,
        Duration maxRange,
        int maxRecordSize,
        Duration utcSlack,
        int startCode,
        int maxAttempts,
        Duration retryDelay,
        long spoolMemory,
        long maxPrerollBytes,
        boolean overwrite,
        boolean resume,
        Duration checkpointInterval,
        EsFetchListener listener,
        int maxReported,
        BooleanSupplier stopRequested) {

    public EsFetchOptions {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(segmentDuration, "segmentDuration");
        Objects.requireNonNull(preroll, "preroll");
        Objects.requireNonNull(maxRange, "maxRange");
        Objects.requireNonNull(utcSlack, "utcSlack");
        Objects.requireNonNull(retryDelay, "retryDelay");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(stopRequested, "stopRequested");
        check(maxReported >= 0 && maxReported <= 1_000_000, "maxReported " + maxReported
                + " is outside 0..1000000");
        check(!checkpointInterval.isNegative(), "checkpointInterval " + checkpointInterval + " must not be negative");
        check(workers >= 1 && workers <= 256, "workers " + workers + " is outside 1..256");
        check(window >= workers && window <= 4096, "window " + window + " must be between workers (" + workers
                + ") and 4096");
        check(segmentDuration.getNano() == 0 && segmentDuration.getSeconds() >= 1
                        && segmentDuration.getSeconds() <= 3600,
                "segment duration " + segmentDuration + " must be whole seconds between 1 s and 1 h");
        check(!preroll.isNegative() && preroll.compareTo(Duration.ofHours(1)) <= 0,
                "preroll " + preroll + " must be between 0 and 1 h");
        check(maxRange.getSeconds() >= 1, "maxRange " + maxRange + " must be at least 1 s");
        check(maxRecordSize >= 188 && maxRecordSize <= (256 << 20),
                "maxRecordSize " + maxRecordSize + " must be between 188 and 268435456 bytes");
        check(!utcSlack.isNegative(), "utcSlack " + utcSlack + " must not be negative");
        check(startCode >= -1 && startCode <= 255, "startCode " + startCode + " must be -1 (any) or 0..255");
        check(maxAttempts >= 1 && maxAttempts <= 20, "maxAttempts " + maxAttempts + " is outside 1..20");
        check(!retryDelay.isNegative(), "retryDelay " + retryDelay + " must not be negative");
        check(spoolMemory >= 0, "spoolMemory " + spoolMemory + " must not be negative");
        check(maxPrerollBytes >= 188, "maxPrerollBytes " + maxPrerollBytes + " must be at least 188");
        check(!(overwrite && resume), "overwrite and resume exclude each other: resume keeps OUT.part, "
                + "overwrite starts again");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * 8 workers, window 16, 4 s segments, no trim (10 s preroll when trimming), ranges up to 24 h, records up to
     * 1 MiB, 10 s utc slack, any start code, 4 attempts from 200 ms, 4 MiB spool memory per segment, 64 MiB preroll,
     * resume state saved at most every second, no listener ({@link EsFetchListener#none()}), the first 1000 entries
     * of each report list, never stopped.
     */
    public static EsFetchOptions defaults() {
        return new EsFetchOptions(8, 16, Duration.ofSeconds(4), false, false, Duration.ofSeconds(10),
                Duration.ofHours(24), 1 << 20, Duration.ofSeconds(10), -1, 4, Duration.ofMillis(200), 4L << 20,
                64L << 20, false, false, Duration.ofSeconds(1), EsFetchListener.none(), 1000, () -> false);
    }

    /** Sets workers; the window grows to at least twice the workers. */
    public EsFetchOptions withWorkers(int n) {
        return new EsFetchOptions(n, Math.max(window, 2 * n), segmentDuration, listing, trim, preroll, maxRange,
                maxRecordSize, utcSlack, startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite,
                resume, checkpointInterval, listener, maxReported, stopRequested);
    }

    public EsFetchOptions withWindow(int n) {
        return new EsFetchOptions(workers, n, segmentDuration, listing, trim, preroll, maxRange, maxRecordSize,
                utcSlack, startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite, resume,
                checkpointInterval, listener, maxReported, stopRequested);
    }

    public EsFetchOptions withSegmentDuration(Duration d) {
        return new EsFetchOptions(workers, window, d, listing, trim, preroll, maxRange, maxRecordSize, utcSlack,
                startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite, resume,
                checkpointInterval, listener, maxReported, stopRequested);
    }

    public EsFetchOptions withListing(boolean b) {
        return new EsFetchOptions(workers, window, segmentDuration, b, trim, preroll, maxRange, maxRecordSize,
                utcSlack, startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite, resume,
                checkpointInterval, listener, maxReported, stopRequested);
    }

    public EsFetchOptions withTrim(boolean b) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, b, preroll, maxRange, maxRecordSize,
                utcSlack, startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite, resume,
                checkpointInterval, listener, maxReported, stopRequested);
    }

    public EsFetchOptions withPreroll(Duration d) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, trim, d, maxRange, maxRecordSize,
                utcSlack, startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite, resume,
                checkpointInterval, listener, maxReported, stopRequested);
    }

    public EsFetchOptions withMaxRange(Duration d) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, trim, preroll, d, maxRecordSize,
                utcSlack, startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite, resume,
                checkpointInterval, listener, maxReported, stopRequested);
    }

    public EsFetchOptions withMaxRecordSize(int n) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, trim, preroll, maxRange, n, utcSlack,
                startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite, resume,
                checkpointInterval, listener, maxReported, stopRequested);
    }

    public EsFetchOptions withUtcSlack(Duration d) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, trim, preroll, maxRange, maxRecordSize,
                d, startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite, resume,
                checkpointInterval, listener, maxReported, stopRequested);
    }

    public EsFetchOptions withStartCode(int code) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, trim, preroll, maxRange, maxRecordSize,
                utcSlack, code, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite, resume,
                checkpointInterval, listener, maxReported, stopRequested);
    }

    public EsFetchOptions withRetries(int attempts, Duration firstDelay) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, trim, preroll, maxRange, maxRecordSize,
                utcSlack, startCode, attempts, firstDelay, spoolMemory, maxPrerollBytes, overwrite, resume,
                checkpointInterval, listener, maxReported, stopRequested);
    }

    public EsFetchOptions withSpoolMemory(long bytes) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, trim, preroll, maxRange, maxRecordSize,
                utcSlack, startCode, maxAttempts, retryDelay, bytes, maxPrerollBytes, overwrite, resume,
                checkpointInterval, listener, maxReported, stopRequested);
    }

    public EsFetchOptions withMaxPrerollBytes(long bytes) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, trim, preroll, maxRange, maxRecordSize,
                utcSlack, startCode, maxAttempts, retryDelay, spoolMemory, bytes, overwrite, resume,
                checkpointInterval, listener, maxReported, stopRequested);
    }

    public EsFetchOptions withOverwrite(boolean b) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, trim, preroll, maxRange, maxRecordSize,
                utcSlack, startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, b, resume && !b,
                checkpointInterval, listener, maxReported, stopRequested);
    }

    public EsFetchOptions withCheckpointInterval(Duration d) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, trim, preroll, maxRange, maxRecordSize,
                utcSlack, startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite, resume, d,
                listener, maxReported, stopRequested);
    }

    public EsFetchOptions withResume(boolean b) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, trim, preroll, maxRange, maxRecordSize,
                utcSlack, startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite && !b, b,
                checkpointInterval, listener, maxReported, stopRequested);
    }

    /** Sets the listener told of progress ({@link EsFetchListener#none()} for none). */
    public EsFetchOptions withListener(EsFetchListener l) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, trim, preroll, maxRange, maxRecordSize,
                utcSlack, startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite, resume,
                checkpointInterval, l, maxReported, stopRequested);
    }

    /** Sets how many entries each list of the report keeps (the counts cover them all). */
    public EsFetchOptions withMaxReported(int n) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, trim, preroll, maxRange, maxRecordSize,
                utcSlack, startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite, resume,
                checkpointInterval, listener, n, stopRequested);
    }

    /** Sets what is polled between segments to stop the fetch cleanly (see {@link EsFetchStoppedException}). */
    public EsFetchOptions withStopRequested(BooleanSupplier stop) {
        return new EsFetchOptions(workers, window, segmentDuration, listing, trim, preroll, maxRange, maxRecordSize,
                utcSlack, startCode, maxAttempts, retryDelay, spoolMemory, maxPrerollBytes, overwrite, resume,
                checkpointInterval, listener, maxReported, stop);
    }
}
