package io.stowage.sync.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import io.stowage.s3.RetrySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes file outcomes to the ledger in batches from one background thread, so the upload threads never wait for a
 * database round trip. A batch that cannot be written is tried again ({@link #WRITE_RETRY}: 5 attempts, 100 ms
 * doubling up to 5 s, a Failsafe policy from s3-io's {@link RetrySettings} that retries any ledger failure); outcomes
 * that still cannot be written leave their files {@code uploading}, and the next run checks those against the store.
 * Thread-safe: {@link #add} from any thread; one writer thread.
 */
final class OutcomeWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeWriter.class);
    private static final FileTable.Outcome FLUSH = new FileTable.Outcome(-1, false, 0, 0, null, null);

    /** How a batch is tried again. */
    static final RetrySettings WRITE_RETRY = new RetrySettings(5, Duration.ofMillis(100), Duration.ofSeconds(5));

    private final FailsafeExecutor<Integer> retry = Failsafe.with(WRITE_RETRY.<Integer>policy(
            e -> e instanceof RuntimeException));
    private final LedgerDb db;
    private final String worker;
    private final long sessionId;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong notHeld = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private volatile boolean closed;

    OutcomeWriter(LedgerDb db, String worker, long sessionId) {
        this.db = db;
        this.worker = worker;
        this.sessionId = sessionId;
        this.thread = new Thread(this::loop, "stowage-ledger-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    void add(FileTable.Outcome o) {
        queue.add(o);
    }

    /** Waits until everything added before this call is written (or given up). */
    void flush() {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        queue.add(done);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        List<FileTable.Outcome> batch = new ArrayList<>(FileTable.BATCH);
        List<java.util.concurrent.CountDownLatch> waiting = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            Object first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                continue;
            }
            take(first, batch, waiting);
            while (batch.size() < FileTable.BATCH) {
                Object next = queue.poll();
                if (next == null) {
                    break;
                }
                take(next, batch, waiting);
            }
            write(batch);
            batch.clear();
            waiting.forEach(java.util.concurrent.CountDownLatch::countDown);
            waiting.clear();
        }
    }

    private static void take(Object o, List<FileTable.Outcome> batch, List<java.util.concurrent.CountDownLatch> w) {
        if (o instanceof java.util.concurrent.CountDownLatch l) {
            w.add(l);
        } else if (o != FLUSH) {
            batch.add((FileTable.Outcome) o);
        }
    }

    private void write(List<FileTable.Outcome> batch) {
        if (batch.isEmpty()) {
            return;
        }
        int n;
        try {
            n = retry.get(ctx -> {
                try {
                    return db.files().record(worker, sessionId, batch);
                } catch (RuntimeException e) {
                    if (ctx.getAttemptCount() + 1 < WRITE_RETRY.maxAttempts()) {
                        LOG.warn("ledger write failed ({}); trying again", LedgerDb.message(e));
                    }
                    throw e;
                }
            });
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            lost.addAndGet(batch.size());
            return;
        } catch (RuntimeException e) {
            lost.addAndGet(batch.size());
            LOG.error("cannot record {} file result(s) in the ledger {}: {}; they stay 'uploading' and the "
                    + "next run checks them against the store", batch.size(), db.where(), LedgerDb.message(e));
            return;
        }
        if (n > 0) {
            notHeld.addAndGet(n);
            LOG.warn("{} file result(s) were not recorded: another worker took those files over after this "
                    + "worker's claim timed out (raise claim_timeout_s if uploads are slow)", n);
        }
        written.addAndGet(batch.size() - n);
        batches.incrementAndGet();
    }

    /** Rows written. */
    long written() {
        return written.get();
    }

    /** Results not recorded because the ledger could not be written. */
    long lost() {
        return lost.get();
    }

    /** Results not recorded because the claim had passed to another worker. */
    long notHeld() {
        return notHeld.get();
    }

    long batches() {
        return batches.get();
    }

    @Override
    public void close() {
        flush();
        closed = true;
        queue.add(FLUSH);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
