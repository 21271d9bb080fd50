package io.stowage.s3;

import java.time.Duration;

/**
 * How {@link ParallelDownloader} works: parallelism, ranged parts for big objects, what counts as already there.
 *
 * <p>{@code DownloadOptions o = DownloadOptions.defaults().withWorkers(32).withSkip(DownloadOptions.Skip.SAME_SIZE_AND_CHECKSUM);}
 *
 * <p>Immutable and thread-safe; {@code withX} return validated copies.
 *
 * @param workers          objects downloaded at once (1..1024), default 16; ranged parts share as many threads
 * @param rangedThreshold  objects of at least this size are fetched as parallel ranges (at least 1 MiB), default 32 MiB,
 *                         when fewer files are pending than there are workers (a few big files, the end of a run);
 *                         while every worker has a file, each file comes in one GET
 * @param partSize         size of one range (at least 1 MiB), default 16 MiB
 * @param skip             when an existing local file counts as already downloaded
 * @param maxAttempts      attempts per request for transient errors (1..50), default 5
 * @param initialBackoff   first retry delay; doubles per attempt, with jitter
 * @param maxBackoff       cap of one retry delay
 * @param progressInterval how often the listener gets {@link TransferListener#onProgress}
 * @param overwrite        replace an existing local file that is not skipped; default off: such a file fails with
 *                         "exists and differs" and is left alone
 * @param listing          list folder by folder (default, delimiter listings) or the whole prefix in pages; see
 *                         {@link UploadOptions.Listing}
 * @param durability       how a file is made durable before its rename: in batches (default) or one fsync per file
 */
public record DownloadOptions(int workers, long rangedThreshold, long partSize, Skip skip, int maxAttempts,
                              Duration initialBackoff, Duration maxBackoff, Duration progressInterval,
                              boolean overwrite, UploadOptions.Listing listing, Durability durability) {

    /**
     * How a downloaded file is made durable before it gets its final name. Either way a file appears under its name
     * only once its bytes are on disk, so a crash leaves complete files or temporary ones, never a short file.
     */
    public enum Durability {
        /**
         * The default: finished files wait (up to 100 ms, 4,096 files or 256 MiB) and are renamed in batches, each
         * after one {@code syncfs} of the file system. Far less kernel work than an fsync per file; it also writes
         * out what other programs have written to that file system. Linux 5.8 and later only (older kernels' syncfs
         * does not report write errors), on local file systems (ext4, xfs, btrfs, f2fs, zfs, bcachefs, tmpfs; FUSE's
         * and network file systems' syncfs need not write files out as fsync does): elsewhere, and for folders on
         * another file system than the target's root, it is {@link #PER_FILE}.
         */
        BATCHED,
        /** Each file is fsynced and renamed by the worker that downloaded it. */
        PER_FILE
    }

    /** When an existing local file is left alone. */
    public enum Skip {
        /** Download everything again ({@code --force}). */
        NEVER,
        /** Same size as the object (the default). */
        SAME_SIZE,
        /** Same size, and the local MD5 equals a single-part object's ETag (multipart objects: same size). */
        SAME_SIZE_AND_CHECKSUM
    }

    public DownloadOptions {
        if (workers < 1 || workers > 1024) {
            throw new IllegalArgumentException("workers " + workers + " is outside 1..1024");
        }
        if (rangedThreshold < (1 << 20) || partSize < (1 << 20)) {
            throw new IllegalArgumentException("ranged threshold " + rangedThreshold + " and part size " + partSize
                    + " must be at least 1 MiB");
        }
        if (skip == null) {
            throw new IllegalArgumentException("skip must not be null");
        }
        if (maxAttempts < 1 || maxAttempts > 50) {
            throw new IllegalArgumentException("maxAttempts " + maxAttempts + " is outside 1..50");
        }
        for (Duration d : new Duration[] {initialBackoff, maxBackoff, progressInterval}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("durations must be zero or positive, got " + d);
            }
        }
        if (progressInterval.isZero()) {
            throw new IllegalArgumentException("progressInterval must be positive");
        }
        if (listing == null) {
            throw new IllegalArgumentException("listing must not be null");
        }
        if (durability == null) {
            throw new IllegalArgumentException("durability must not be null");
        }
    }

    /**
     * 16 workers, 32 MiB ranged threshold, 16 MiB ranges, skip same size, 5 attempts, no overwriting, batched
     * durability.
     */
    public static DownloadOptions defaults() {
        return new DownloadOptions(16, 32L << 20, 16L << 20, Skip.SAME_SIZE, 5, Duration.ofMillis(100),
                Duration.ofSeconds(10), Duration.ofMillis(500), false, UploadOptions.Listing.BY_FOLDER, Durability.BATCHED);
    }

    public DownloadOptions withWorkers(int workers) {
        return new DownloadOptions(workers, rangedThreshold, partSize, skip, maxAttempts, initialBackoff, maxBackoff,
                progressInterval, overwrite, listing, durability);
    }

    public DownloadOptions withRanges(long rangedThreshold, long partSize) {
        return new DownloadOptions(workers, rangedThreshold, partSize, skip, maxAttempts, initialBackoff, maxBackoff,
                progressInterval, overwrite, listing, durability);
    }

    public DownloadOptions withSkip(Skip skip) {
        return new DownloadOptions(workers, rangedThreshold, partSize, skip, maxAttempts, initialBackoff, maxBackoff,
                progressInterval, overwrite, listing, durability);
    }

    public DownloadOptions withRetries(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        return new DownloadOptions(workers, rangedThreshold, partSize, skip, maxAttempts, initialBackoff, maxBackoff,
                progressInterval, overwrite, listing, durability);
    }

    public DownloadOptions withOverwrite(boolean overwrite) {
        return new DownloadOptions(workers, rangedThreshold, partSize, skip, maxAttempts, initialBackoff, maxBackoff,
                progressInterval, overwrite, listing, durability);
    }

    public DownloadOptions withListing(UploadOptions.Listing listing) {
        return new DownloadOptions(workers, rangedThreshold, partSize, skip, maxAttempts, initialBackoff, maxBackoff,
                progressInterval, overwrite, listing, durability);
    }

    public DownloadOptions withDurability(Durability durability) {
        return new DownloadOptions(workers, rangedThreshold, partSize, skip, maxAttempts, initialBackoff, maxBackoff,
                progressInterval, overwrite, listing, durability);
    }

    public DownloadOptions withProgressInterval(Duration progressInterval) {
        return new DownloadOptions(workers, rangedThreshold, partSize, skip, maxAttempts, initialBackoff, maxBackoff,
                progressInterval, overwrite, listing, durability);
    }

    /** The retries as one {@link RetrySettings} ({@code maxAttempts}, {@code initialBackoff}, {@code maxBackoff}). */
    public RetrySettings retry() {
        return new RetrySettings(maxAttempts, initialBackoff, maxBackoff);
    }

    /** The retries from one {@link RetrySettings}. */
    public DownloadOptions withRetry(RetrySettings retry) {
        return withRetries(retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff());
    }
}
