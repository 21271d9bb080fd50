package io.stowage.s3.internal;

import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a request with retries: transient errors (5xx, SlowDown, timeouts, connection resets, checksum mismatches)
 * are retried with exponential backoff and full jitter up to {@code maxAttempts}; everything else fails at once.
 * Thread-safe.
 */
public final class Retrier {
    private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "RequestTimeout", "InternalError",
            "ServiceUnavailable", "Throttling", "ThrottlingException", "RequestTimeTooSkewed", "BadDigest",
            "IncompleteBody", "XAmzContentSHA256Mismatch", "OperationAborted");

    private final int maxAttempts;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final AtomicLong retries;
    private final Cancellation cancellation;

    public Retrier(int maxAttempts, Duration initialBackoff, Duration maxBackoff, AtomicLong retries,
                   Cancellation cancellation) {
        this.maxAttempts = maxAttempts;
        this.initialBackoffNanos = initialBackoff.toNanos();
        this.maxBackoffNanos = maxBackoff.toNanos();
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
                if (!isTransient(e) || attempt >= maxAttempts) {
                    throw e;
                }
                retries.incrementAndGet();
                sleep(attempt);
            }
        }
    }

    private void sleep(int attempt) throws CancelledException {
        long cap = Math.min(maxBackoffNanos, initialBackoffNanos << Math.min(attempt - 1, 20));
        long nanos = cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
        cancellation.sleep(nanos);
    }

    /** Whether a failure is worth another attempt. */
    public static boolean isTransient(Throwable e) {
        if (e instanceof CancelledException || e instanceof LocalFileException) {
            return false;
        }
        if (e instanceof ChecksumMismatchException || e instanceof ApiCallAttemptTimeoutException
                || e instanceof ApiCallTimeoutException) {
            return true;
        }
        if (e instanceof AbortedException) {
            return false;
        }
        if (e instanceof AwsServiceException ase) {
            int status = ase.statusCode();
            String code = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
            return status >= 500 || status == 429 || status == 408 || (code != null && TRANSIENT_CODES.contains(code));
        }
        if (e instanceof SdkClientException) {
            return true;   // I/O to the store: connection reset, refused, timed out, truncated response
        }
        if (e instanceof ChangedDuringTransferException) {
            return false;  // handled by the caller: retried later, not now
        }
        if (e instanceof InterruptedIOException) {
            return false;
        }
        return e instanceof IOException;
    }

    /** A short reason for a report: the error code and status, or the exception's message. */
    public static String describe(Throwable e) {
        if (e instanceof AwsServiceException ase) {
            String code = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
            String msg = ase.awsErrorDetails() == null ? ase.getMessage() : ase.awsErrorDetails().errorMessage();
            return "S3 error " + ase.statusCode() + (code == null ? "" : " " + code) + (msg == null ? "" : ": " + msg);
        }
        Throwable root = e;
        StringBuilder sb = new StringBuilder();
        sb.append(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !sb.toString().contains(root.getMessage())) {
            sb.append(" (").append(root.getClass().getSimpleName()).append(": ").append(root.getMessage()).append(')');
        }
        return sb.toString();
    }
}
