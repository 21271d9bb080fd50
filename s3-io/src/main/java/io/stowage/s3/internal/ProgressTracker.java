package io.stowage.s3.internal;

import io.stowage.s3.TransferProgress;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of a running transfer and their snapshot. Thread-safe. */
final class ProgressTracker {
    private final long startNanos = System.nanoTime();
    private final AtomicLong filesTotal = new AtomicLong();
    private final AtomicLong bytesTotal = new AtomicLong();
    private final AtomicLong filesDone = new AtomicLong();
    private final AtomicLong filesFailed = new AtomicLong();
    private final AtomicLong bytesDone = new AtomicLong();
    private final AtomicLong bytesTransferred = new AtomicLong();
    private volatile boolean scanComplete;

    public void found(long bytes) {
        filesTotal.incrementAndGet();
        bytesTotal.addAndGet(bytes);
    }

    /** Bytes actually sent or received (parts, whole files). */
    public void transferred(long bytes) {
        bytesTransferred.addAndGet(bytes);
        bytesDone.addAndGet(bytes);
    }

    /** Bytes accounted for without transfer (skipped files, or the unsent rest of a failed file). */
    public void accounted(long bytes) {
        bytesDone.addAndGet(bytes);
    }

    /** Bytes counted as done that must be taken back (a file that will be tried again). */
    public void takeBack(long bytes) {
        bytesDone.addAndGet(-bytes);
        bytesTransferred.addAndGet(-bytes);
    }

    public void fileDone(boolean failed) {
        filesDone.incrementAndGet();
        if (failed) {
            filesFailed.incrementAndGet();
        }
    }

    public void scanComplete() {
        scanComplete = true;
    }

    public TransferProgress snapshot() {
        long nanos = System.nanoTime() - startNanos;
        Duration elapsed = Duration.ofNanos(nanos);
        double secs = Math.max(1e-3, nanos / 1e9);
        long sent = bytesTransferred.get();
        double bps = sent / secs;
        long done = bytesDone.get();
        long total = bytesTotal.get();
        Duration eta = null;
        if (scanComplete) {
            double doneRate = done / secs;
            if (total <= done) {
                eta = Duration.ZERO;
            } else if (doneRate > 0) {
                eta = Duration.ofMillis((long) ((total - done) / doneRate * 1000));
            }
        }
        return new TransferProgress(filesDone.get(), filesTotal.get(), filesFailed.get(), done, total, elapsed, bps,
                eta, scanComplete);
    }
}
