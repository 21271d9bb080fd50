package io.stowage.s3.internal;

import java.util.concurrent.TimeUnit;

/** A cancel flag shared by a transfer's threads; sleeping threads wake when it is set. Thread-safe. */
public final class Cancellation {
    private volatile boolean cancelled;
    private final Object lock = new Object();

    public boolean isCancelled() {
        return cancelled;
    }

    public void cancel() {
        cancelled = true;
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /**
     * Runs a blocking call (a listing request on the producing thread) so that {@link #cancel()} ends the wait at once:
     * the call runs on a helper thread and is abandoned (interrupted) on cancel. A classic socket read cannot be
     * interrupted, so waiting for it would keep a cancelled run alive until the store answers or the read times out.
     */
    public <T> T interruptible(Retrier.Call<T> call) throws Exception {
        check();
        java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(call::call);
        Thread t = new Thread(task, "stowage-listing");
        t.setDaemon(true);
        t.start();
        while (true) {
            try {
                return task.get(100, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (cancelled) {
                    task.cancel(true);
                    throw new CancelledException();
                }
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof Exception ex) {
                    throw ex;
                }
                throw new IllegalStateException(c);
            } catch (InterruptedException e) {
                task.cancel(true);
                Thread.currentThread().interrupt();
                throw new CancelledException();
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
