package io.stowage.s3.internal;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The in-flight bookkeeping shared by upload and download runs: a semaphore of submission slots (so the walk or
 * listing never runs more than a bounded number of files ahead of the workers) and a count of pending files that
 * the run waits for at its end. Waiting checks the run's cancellation. Thread-safe.
 */
final class InFlight {
    private final Semaphore slots;
    private final Cancellation cancellation;
    private final Object lock = new Object();
    private long pending;

    InFlight(int slots, Cancellation cancellation) {
        this.slots = new Semaphore(slots);
        this.cancellation = cancellation;
    }

    /** Blocks for a free slot, checking for cancellation every 100 ms. */
    void acquireSlot() throws CancelledException {
        try {
            while (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                cancellation.check();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException();
        }
    }

    void releaseSlot() {
        slots.release();
    }

    /** Counts one more file as pending. */
    void begin() {
        synchronized (lock) {
            pending++;
        }
    }

    /** One pending file is finished (whatever its outcome). */
    void done() {
        synchronized (lock) {
            pending--;
            lock.notifyAll();
        }
    }

    /** Files submitted and not finished yet (running or waiting for a worker). */
    long pending() {
        synchronized (lock) {
            return pending;
        }
    }

    /** Waits until no file is pending; an interrupt cancels the run. */
    void awaitAll() throws CancelledException {
        synchronized (lock) {
            while (pending > 0) {
                if (cancellation.isCancelled()) {
                    throw new CancelledException();
                }
                try {
                    lock.wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancellation.cancel();
                    throw new CancelledException();
                }
            }
        }
    }
}
