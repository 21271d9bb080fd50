package io.stowage.sync.internal;

import io.stowage.s3.ParallelUploader;

/**
 * Cancellation of one {@link LedgerUploads}' runs: a flag the walk, the claim feed and the retry pauses poll, and the
 * uploader running now, cancelled at once. Thread-safe: {@link #cancel()} may come from any thread (a shutdown hook).
 */
final class CancelToken {
    private volatile boolean requested;
    private volatile ParallelUploader running;

    /** Clears the flag before a new run. */
    void reset() {
        requested = false;
    }

    void cancel() {
        requested = true;
        ParallelUploader u = running;
        if (u != null) {
            u.cancel();
        }
    }

    boolean requested() {
        return requested;
    }

    /** The uploader a cancel stops from now on ({@code null}: none); cancels it at once if already requested. */
    void running(ParallelUploader u) {
        running = u;
        if (u != null && requested) {
            u.cancel();
        }
    }
}
