package io.stowage.s3.internal;

import java.util.concurrent.TimeUnit;

/** A cancel flag shared by a transfer's threads; sleeping threads wake when it is set. Thread-safe. */
public final class Cancellation {
    private volatile boolean cancelled;
    private final Object lock = new Object();
    private Thread blocking;

    public boolean isCancelled() {
        return cancelled;
    }

    public void cancel() {
        cancelled = true;
        synchronized (lock) {
            lock.notifyAll();
            if (blocking != null) {
                blocking.interrupt();   // a listing request blocked on a slow store: the SDK aborts on interrupt
            }
        }
    }

    /** Runs a blocking call that {@link #cancel()} may interrupt (the listing calls of the producing thread). */
    public <T> T interruptible(Retrier.Call<T> call) throws Exception {
        synchronized (lock) {
            check();
            blocking = Thread.currentThread();
        }
        try {
            return call.call();
        } finally {
            synchronized (lock) {
                blocking = null;
                if (cancelled) {
                    Thread.interrupted();   // the interrupt was ours: clear it, the caller sees the cancellation
                }
            }
        }
    }

    public void check() throws CancelledException {
        if (cancelled || Thread.currentThread().isInterrupted()) {
            throw new CancelledException();
        }
    }

    public void sleep(long nanos) throws CancelledException {
        long deadline = System.nanoTime() + nanos;
        synchronized (lock) {
            while (!cancelled) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancelledException();
                }
            }
        }
        throw new CancelledException();
    }
}
