package io.stowage.sync.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes file outcomes to the ledger in batches from one background thread, so the upload threads never wait for a
 * database round trip. A batch that cannot be written is tried again (5 times, backing off); outcomes that still
 * cannot be written leave their files {@code uploading}, and the next run checks those against the store.
 */
final class OutcomeWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeWriter.class);
    private static final FileTable.Outcome FLUSH = new FileTable.Outcome(-1, false, 0, 0, null, null);

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
        long pause = 100;
        for (int attempt = 1; ; attempt++) {
            try {
                int n = db.files().record(worker, sessionId, batch);
                if (n > 0) {
                    notHeld.addAndGet(n);
                    LOG.warn("{} file result(s) were not recorded: another worker took those files over after this "
                            + "worker's claim timed out (raise claim_timeout_s if uploads are slow)", n);
                }
                written.addAndGet(batch.size() - n);
                batches.incrementAndGet();
                return;
            } catch (RuntimeException e) {
                if (attempt >= 5) {
                    lost.addAndGet(batch.size());
                    LOG.error("cannot record {} file result(s) in the ledger {}: {}; they stay 'uploading' and the "
                            + "next run checks them against the store", batch.size(), db.where(),
                            LedgerDb.message(e));
                    return;
                }
                LOG.warn("ledger write failed ({}); trying again in {} ms", LedgerDb.message(e), pause);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    lost.addAndGet(batch.size());
                    return;
                }
                pause = Math.min(pause * 2, 5000);
            }
        }
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
