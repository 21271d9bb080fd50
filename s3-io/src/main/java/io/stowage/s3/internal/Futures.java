package io.stowage.s3.internal;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for a task of a run: its own failure comes out as is, an interrupt cancels. Stateless. */
final class Futures {
    private Futures() {}

    /** The task's value; its exception unwrapped; {@link CancelledException} when this thread is interrupted. */
    static <T> T await(Future<T> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof Exception ex ? ex : new RuntimeException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException();
        }
    }
}
