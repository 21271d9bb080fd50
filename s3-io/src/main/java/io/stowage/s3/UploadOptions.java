package io.stowage.s3;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How {@link ParallelUploader} works: parallelism, which files, multipart sizes, retries.
 *
 * <pre>{@code
 * UploadOptions o = UploadOptions.defaults().withWorkers(32).withExclude(List.of("**&#47;.git/**"))
 *         .withExtensions(Set.of("jpg", "mp4"));
 * }</pre>
 *
 * <p>Globs are {@link java.nio.file.FileSystem#getPathMatcher glob} patterns matched against the path relative to
 * the uploaded folder, with {@code /} separators ({@code "cam*}{@code /**.jpg"}). A file is uploaded when it matches an
 * include glob (or there are none), no exclude glob, and has one of the extensions (or none are given).
 *
 * <p>Immutable and thread-safe; {@code withX} return validated copies.
 *
 * @param workers            files uploaded at once (1..1024), default 16; multipart parts share as many threads
 * @param include            include globs; empty means everything
 * @param exclude            exclude globs
 * @param extensions         lower-case file extensions without the dot; empty means any
 * @param followLinks        follow symbolic links (loops are detected and reported); default off: links are skipped
 * @param multipartThreshold files of at least this size use multipart upload (5 MiB..5 GiB), default 100 MiB (see
 *                           {@link #DEFAULT_MULTIPART_THRESHOLD})
 * @param partSize           multipart part size (5 MiB..5 GiB), default 16 MiB; grows so no object needs more than
 *                           10,000 parts
 * @param maxAttempts        attempts per request for transient errors (1..50), default 5
 * @param initialBackoff     first retry delay; doubles per attempt, with full jitter
 * @param maxBackoff         cap of one retry delay
 * @param changedRetries     how often a file that changed during its upload is tried again later, default 3
 * @param changedRetryDelay  how long to wait before trying a changed file again, default 2 s
 * @param progressInterval   how often the listener gets {@link TransferListener#onProgress}, default 500 ms
 * @param listing            how the skip check lists the prefix, default {@link Listing#BY_FOLDER}
 */
public record UploadOptions(
        int workers,
        List<String> include,
        List<String> exclude,
        Set<String> extensions,
        boolean followLinks,
        long multipartThreshold,
        long partSize,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        int changedRetries,
        Duration changedRetryDelay,
        Duration progressInterval,
        Listing listing) {

    /**
     * How the skip check lists what is already stored. Both send listing requests only, never one request per file.
     * {@code BY_FOLDER} (rclone's default) lists each local folder's key prefix with a {@code /} delimiter as the walk
     * enters it: one request per folder (per 1,000 keys); far cheaper on stores whose listing cost grows with the whole
     * prefix (S3Proxy's filesystem backend walks the entire prefix for every 1,000-key page). {@code FLAT} (rclone's
     * {@code --fast-list}) pages through the whole prefix once: fewest requests on AWS when folders are small.
     */
    public enum Listing { BY_FOLDER, FLAT }

    /** 5 MiB: S3's smallest multipart part (except the last). */
    public static final long MIN_PART_SIZE = 5L << 20;
    /** 5 GiB: S3's largest part and largest single PUT. */
    public static final long MAX_PART_SIZE = 5L << 30;
    /** S3's largest number of parts in one multipart upload. */
    public static final int MAX_PARTS = 10_000;

    public UploadOptions {
        if (workers < 1 || workers > 1024) {
            throw new IllegalArgumentException("workers " + workers + " is outside 1..1024");
        }
        include = List.copyOf(Objects.requireNonNull(include, "include"));
        exclude = List.copyOf(Objects.requireNonNull(exclude, "exclude"));
        extensions = Objects.requireNonNull(extensions, "extensions").stream()
                .map(e -> e.startsWith(".") ? e.substring(1) : e)
                .map(e -> e.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        if (multipartThreshold < MIN_PART_SIZE || multipartThreshold > MAX_PART_SIZE) {
            throw new IllegalArgumentException("multipart threshold " + multipartThreshold
                    + " is outside 5 MiB..5 GiB (S3's part limits)");
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("part size " + partSize + " is outside 5 MiB..5 GiB (S3's part limits)");
        }
        if (maxAttempts < 1 || maxAttempts > 50) {
            throw new IllegalArgumentException("maxAttempts " + maxAttempts + " is outside 1..50");
        }
        if (changedRetries < 0 || changedRetries > 100) {
            throw new IllegalArgumentException("changedRetries " + changedRetries + " is outside 0..100");
        }
        for (Duration d : new Duration[] {initialBackoff, maxBackoff, changedRetryDelay, progressInterval}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("durations must be zero or positive, got " + d);
            }
        }
        if (progressInterval.isZero()) {
            throw new IllegalArgumentException("progressInterval must be positive");
        }
        Objects.requireNonNull(listing, "listing");
    }

    /**
     * Files below 100 MiB go in one PUT: AWS's own guidance for when multipart starts to pay, and close to rclone's
     * 200 MiB cut-off. A multipart upload costs two more requests, makes the store concatenate the parts (S3Proxy's
     * filesystem store copies every byte once more) and leaves an ETag that is not the object's MD5, so downloads and
     * {@code --checksum} skip checks cannot verify it cheaply. Below this size parallel parts buy nothing while the
     * workers already move several files at once (measured: 20 files x 64 MiB upload 1.27-1.31x rclone with one PUT
     * each against 0.85-1.05x as 4 parts each, and their download 0.99x rclone against 0.50-0.79x).
     */
    public static final long DEFAULT_MULTIPART_THRESHOLD = 100L << 20;

    /** 16 workers, everything, no links, 100 MiB multipart threshold, 16 MiB parts, 5 attempts. */
    public static UploadOptions defaults() {
        return new UploadOptions(16, List.of(), List.of(), Set.of(), false, DEFAULT_MULTIPART_THRESHOLD, 16L << 20, 5,
                Duration.ofMillis(100), Duration.ofSeconds(10), 3, Duration.ofSeconds(2), Duration.ofMillis(500),
                Listing.BY_FOLDER);
    }

    public UploadOptions withWorkers(int workers) {
        return new UploadOptions(workers, include, exclude, extensions, followLinks, multipartThreshold, partSize,
                maxAttempts, initialBackoff, maxBackoff, changedRetries, changedRetryDelay, progressInterval, listing);
    }

    public UploadOptions withInclude(List<String> include) {
        return new UploadOptions(workers, include, exclude, extensions, followLinks, multipartThreshold, partSize,
                maxAttempts, initialBackoff, maxBackoff, changedRetries, changedRetryDelay, progressInterval, listing);
    }

    public UploadOptions withExclude(List<String> exclude) {
        return new UploadOptions(workers, include, exclude, extensions, followLinks, multipartThreshold, partSize,
                maxAttempts, initialBackoff, maxBackoff, changedRetries, changedRetryDelay, progressInterval, listing);
    }

    public UploadOptions withExtensions(Set<String> extensions) {
        return new UploadOptions(workers, include, exclude, extensions, followLinks, multipartThreshold, partSize,
                maxAttempts, initialBackoff, maxBackoff, changedRetries, changedRetryDelay, progressInterval, listing);
    }

    public UploadOptions withFollowLinks(boolean followLinks) {
        return new UploadOptions(workers, include, exclude, extensions, followLinks, multipartThreshold, partSize,
                maxAttempts, initialBackoff, maxBackoff, changedRetries, changedRetryDelay, progressInterval, listing);
    }

    public UploadOptions withMultipart(long multipartThreshold, long partSize) {
        return new UploadOptions(workers, include, exclude, extensions, followLinks, multipartThreshold, partSize,
                maxAttempts, initialBackoff, maxBackoff, changedRetries, changedRetryDelay, progressInterval, listing);
    }

    public UploadOptions withRetries(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        return new UploadOptions(workers, include, exclude, extensions, followLinks, multipartThreshold, partSize,
                maxAttempts, initialBackoff, maxBackoff, changedRetries, changedRetryDelay, progressInterval, listing);
    }

    public UploadOptions withChangedRetries(int changedRetries, Duration changedRetryDelay) {
        return new UploadOptions(workers, include, exclude, extensions, followLinks, multipartThreshold, partSize,
                maxAttempts, initialBackoff, maxBackoff, changedRetries, changedRetryDelay, progressInterval, listing);
    }

    public UploadOptions withProgressInterval(Duration progressInterval) {
        return new UploadOptions(workers, include, exclude, extensions, followLinks, multipartThreshold, partSize,
                maxAttempts, initialBackoff, maxBackoff, changedRetries, changedRetryDelay, progressInterval, listing);
    }

    public UploadOptions withListing(Listing listing) {
        return new UploadOptions(workers, include, exclude, extensions, followLinks, multipartThreshold, partSize,
                maxAttempts, initialBackoff, maxBackoff, changedRetries, changedRetryDelay, progressInterval, listing);
    }

    /** The retries as one {@link RetrySettings} ({@code maxAttempts}, {@code initialBackoff}, {@code maxBackoff}). */
    public RetrySettings retry() {
        return new RetrySettings(maxAttempts, initialBackoff, maxBackoff);
    }

    /** The retries from one {@link RetrySettings}. */
    public UploadOptions withRetry(RetrySettings retry) {
        return withRetries(retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff());
    }

    /** Which files a folder upload takes ({@code include}, {@code exclude}, {@code extensions}, {@code followLinks}). */
    public FileSelection selection() {
        return new FileSelection(include, exclude, extensions, followLinks);
    }

    /** The file selection from one {@link FileSelection}. */
    public UploadOptions withSelection(FileSelection s) {
        return new UploadOptions(workers, s.include(), s.exclude(), s.extensions(), s.followLinks(), multipartThreshold,
                partSize, maxAttempts, initialBackoff, maxBackoff, changedRetries, changedRetryDelay, progressInterval,
                listing);
    }

    /**
     * The part size used for a file of {@code size} bytes: {@link #partSize()}, grown in whole MiB so that the file
     * needs at most {@link #MAX_PARTS} parts.
     */
    public long partSizeFor(long size) {
        long p = partSize;
        long needed = (size + MAX_PARTS - 1) / MAX_PARTS;
        if (needed > p) {
            long mib = 1L << 20;
            p = (needed + mib - 1) / mib * mib;
        }
        return Math.min(p, MAX_PART_SIZE);
    }
}
