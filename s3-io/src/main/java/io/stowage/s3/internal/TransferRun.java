package io.stowage.s3.internal;

import io.stowage.s3.FileReport;
import io.stowage.s3.RetrySettings;
import io.stowage.s3.TransferListener;
import io.stowage.s3.TransferReport;
import io.stowage.s3.UploadItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an upload run and a download run share: the counters and the report, the progress timer, the pools (a
 * producer on the calling thread, a bounded hand-off to {@code workers} file threads, a pool of part threads for big
 * objects), the retrier, the direct data path, the listener calls, and the shutdown on completion or cancel. The
 * protocols (single and multipart PUT; whole and ranged GET with verification and the local target) live in their own
 * classes. Used once.
 */
abstract class TransferRun {
    private static final Logger LOG = LoggerFactory.getLogger(TransferRun.class);

    final S3Client s3;
    final TransferListener listener;
    final Cancellation cancellation;
    final AtomicLong retries = new AtomicLong();
    final AtomicLong listRequests = new AtomicLong();
    final Retrier retrier;
    final ProgressTracker tracker = new ProgressTracker();
    private final AtomicLong transferred = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong bytesTransferred = new AtomicLong();
    private final AtomicLong bytesSkipped = new AtomicLong();
    private final ConcurrentLinkedQueue<TransferReport.Failure> failures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<TransferReport.Failure> ignored = new ConcurrentLinkedQueue<>();
    private final Duration progressInterval;
    final InFlight inFlight;
    final ExecutorService workers;
    final ExecutorService parts;
    final ScheduledExecutorService timer;
    /** The lean data path for S3-compatible endpoints, or null: the SDK client sends everything. */
    final DirectS3 direct;

    /** The body of a run on the calling thread: hands files to the workers until there are no more. */
    interface Producer {
        void produce() throws CancelledException;
    }

    TransferRun(S3Client s3, int workerCount, RetrySettings retry, Duration progressInterval,
                TransferListener listener, Cancellation cancellation, String threadName) {
        this.s3 = s3;
        this.listener = listener;
        this.cancellation = cancellation;
        this.progressInterval = progressInterval;
        this.retrier = new Retrier(retry, retries, cancellation);
        this.inFlight = new InFlight(workerCount * 2, cancellation);
        this.workers = Executors.newFixedThreadPool(workerCount, threads(threadName));
        this.parts = Executors.newFixedThreadPool(workerCount, threads(threadName + "-part"));
        this.timer = Executors.newSingleThreadScheduledExecutor(threads(threadName + "-timer"));
        this.direct = DirectS3.forClient(s3, workerCount * 2).orElse(null);
    }

    static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Runs {@code producer}, waits for every file, shuts the pools down (interrupting part transfers when cancelled;
     * a whole-object request already on the wire is let finish, so the report says exactly what was done), lets the
     * subclass release what it holds ({@link #release()}), and gives the report.
     */
    final TransferReport execute(Producer producer, Object what) {
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        long every = progressInterval.toMillis();
        Future<?> progress = timer.scheduleAtFixedRate(() -> safe(() -> listener.onProgress(tracker.snapshot())),
                every, every, TimeUnit.MILLISECONDS);
        try {
            producer.produce();
            tracker.scanComplete();
            inFlight.awaitAll();
        } catch (CancelledException e) {
            LOG.info("{} cancelled", what);
        } finally {
            if (cancellation.isCancelled()) {
                parts.shutdownNow();
                workers.shutdown();
                awaitQuietly(parts);
                awaitQuietly(workers);
            } else {
                workers.shutdown();
                parts.shutdown();
            }
            release();
            progress.cancel(false);
            timer.shutdownNow();
            if (direct != null) {
                direct.close();
            }
        }
        safe(() -> listener.onProgress(tracker.snapshot()));
        return new TransferReport(transferred.get(), skipped.get(), failed.get(), bytesTransferred.get(),
                bytesSkipped.get(), retries.get(), listRequests.get(), startedAt,
                Duration.ofNanos(System.nanoTime() - t0), cancellation.isCancelled(), new ArrayList<>(failures),
                new ArrayList<>(ignored));
    }

    /** Releases what the run holds once its pools are shut down (open uploads, a listing, pending commits). */
    abstract void release();

    static void awaitQuietly(ExecutorService e) {
        try {
            e.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** A file was stored (or written) and verified: count it and tell the listener. */
    final void transferredFile(String path, String key, long bytes, int attempts, String eTag, UploadItem item) {
        transferred.incrementAndGet();
        bytesTransferred.addAndGet(bytes);
        tracker.fileDone(false);
        report(new FileReport(path, key, FileReport.Status.TRANSFERRED, bytes, attempts, eTag, null, item));
    }

    /** A file was already there. */
    final void skippedFile(String path, String key, long bytes, String eTag, String reason, UploadItem item) {
        skipped.incrementAndGet();
        bytesSkipped.addAndGet(bytes);
        tracker.accounted(bytes);
        tracker.fileDone(false);
        report(new FileReport(path, key, FileReport.Status.SKIPPED, bytes, 0, eTag, reason, item));
    }

    /** A file (or an entry that never became one, {@code key} null) failed for {@code reason}. */
    final void failedFile(String path, String key, long size, String reason, UploadItem item) {
        failed.incrementAndGet();
        failures.add(new TransferReport.Failure(path, key, reason));
        tracker.accounted(Math.max(0, size));
        tracker.fileDone(true);
        report(new FileReport(path, key, FileReport.Status.FAILED, size, 0, null, reason, item));
    }

    /** An entry left out on purpose. */
    final void ignoredEntry(String path, String key, String reason) {
        ignored.add(new TransferReport.Failure(path, key, reason));
    }

    private void report(FileReport r) {
        safe(() -> listener.onFile(r));
    }

    /** Runs a listener call; a listener's exception is logged, never allowed to end a transfer. */
    static void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("transfer listener failed: {}", e.toString());
        }
    }
}
