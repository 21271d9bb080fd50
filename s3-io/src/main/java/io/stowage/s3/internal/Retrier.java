package io.stowage.s3.internal;

import dev.failsafe.Execution;
import dev.failsafe.RetryPolicy;
import io.stowage.s3.RetrySettings;
import io.stowage.s3.S3Errors;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a request with retries as a {@link RetrySettings} policy says (Failsafe; transient errors by
 * {@link S3Errors#isTransient}, exponential backoff with jitter, up to {@code maxAttempts}); everything else fails at
 * once. The loop is Failsafe's standalone {@link Execution}, so the waits between attempts sleep on the run's
 * {@link Cancellation} and end at once when it is cancelled. The execution is created at the first failure only: a
 * request that succeeds first time costs nothing extra. Thread-safe.
 */
final class Retrier {
    private final RetryPolicy<Object> policy;
    private final AtomicLong retries;
    private final Cancellation cancellation;

    public Retrier(RetrySettings settings, AtomicLong retries, Cancellation cancellation) {
        this.policy = settings.policy();
        this.retries = retries;
        this.cancellation = cancellation;
    }

    /** A request body that may throw checked exceptions. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws Exception;
    }

    /** The result and how many attempts it took. */
    public record Result<T>(T value, int attempts) {}

    /** Runs the call; rethrows the last failure (transient ones after {@code maxAttempts}). */
    public <T> Result<T> run(Call<T> call) throws Exception {
        Execution<Object> execution = null;
        int attempt = 0;
        while (true) {
            attempt++;
            cancellation.check();
            try {
                return new Result<>(call.call(), attempt);
            } catch (Exception e) {
                if (cancellation.isCancelled()) {
                    throw new CancelledException();
                }
                if (execution == null) {
                    execution = Execution.of(policy);
                }
                execution.recordException(e);
                if (execution.isComplete()) {
                    throw e;
                }
                retries.incrementAndGet();
                cancellation.sleep(execution.getDelay().toNanos());
            }
        }
    }
}
