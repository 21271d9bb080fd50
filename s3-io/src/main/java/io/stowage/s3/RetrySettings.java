package io.stowage.s3;

import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How often and how patiently to retry: the one retry configuration of Stowage. {@link #policy()} turns it into a
 * Failsafe {@link RetryPolicy} that retries what {@link S3Errors#isTransient} calls transient, with exponential
 * backoff (doubling from {@code initialBackoff} up to {@code maxBackoff}) and jitter; every retry loop of every module
 * goes through such a policy.
 *
 * <pre>{@code
 * RetrySettings retry = RetrySettings.defaults().withMaxAttempts(8);
 * RemoteObject o = Failsafe.with(retry.<RemoteObject>policy()).get(() -> objects.head(bucket, key).orElseThrow());
 * RetryPolicy<Void> sql = retry.policy(e -> e instanceof java.sql.SQLTransientException);
 * }</pre>
 *
 * <p>Immutable and thread-safe; so are the policies it builds.
 *
 * @param maxAttempts    attempts in all, including the first (1..50); 1 retries nothing
 * @param initialBackoff the delay before the first retry (zero or positive); doubles per retry
 * @param maxBackoff     the cap of one delay (zero or positive; zero: no delay)
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public RetrySettings {
        if (maxAttempts < 1 || maxAttempts > 50) {
            throw new IllegalArgumentException("maxAttempts " + maxAttempts + " is outside 1..50");
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("backoffs must be zero or positive, got " + initialBackoff + " and "
                    + maxBackoff);
        }
    }

    /** 5 attempts, 100 ms doubling up to 10 s (the uploader's and downloader's defaults). */
    public static RetrySettings defaults() {
        return new RetrySettings(5, Duration.ofMillis(100), Duration.ofSeconds(10));
    }

    /** No retries: one attempt. */
    public static RetrySettings none() {
        return new RetrySettings(1, Duration.ZERO, Duration.ZERO);
    }

    public RetrySettings withMaxAttempts(int maxAttempts) {
        return new RetrySettings(maxAttempts, initialBackoff, maxBackoff);
    }

    public RetrySettings withInitialBackoff(Duration initialBackoff) {
        return new RetrySettings(maxAttempts, initialBackoff, maxBackoff);
    }

    public RetrySettings withMaxBackoff(Duration maxBackoff) {
        return new RetrySettings(maxAttempts, initialBackoff, maxBackoff);
    }

    /** A policy that retries failures {@link S3Errors#isTransient} calls transient. */
    public <T> RetryPolicy<T> policy() {
        return policy(S3Errors::isTransient);
    }

    /**
     * A policy that retries the failures {@code retryOn} accepts (results are never retried); the last failure is
     * rethrown (Failsafe wraps a checked one in a {@code FailsafeException}).
     */
    public <T> RetryPolicy<T> policy(Predicate<Throwable> retryOn) {
        Objects.requireNonNull(retryOn, "retryOn");
        RetryPolicyBuilder<T> b = RetryPolicy.<T>builder()
                .handleIf((T result, Throwable failure) -> failure != null && retryOn.test(failure))
                .withMaxAttempts(maxAttempts);
        long first = initialBackoff.toNanos();
        long cap = maxBackoff.toNanos();
        if (first > 0 && cap > first) {
            b.withBackoff(initialBackoff, maxBackoff).withJitter(0.25);
        } else if (first > 0 && cap > 0) {
            b.withDelay(cap < first ? maxBackoff : initialBackoff).withJitter(0.25);   // the cap wins, as it caps
        }
        return b.build();
    }
}
