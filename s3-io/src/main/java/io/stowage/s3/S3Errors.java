package io.stowage.s3;

import io.stowage.s3.internal.CancelledException;
import io.stowage.s3.internal.ChangedDuringTransferException;
import io.stowage.s3.internal.ChecksumMismatchException;
import io.stowage.s3.internal.LocalFileException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Set;

/**
 * THE transient-error rule of Stowage, and a short description of a failure for reports. Every retry of an S3
 * request (s3-io's own, {@link RetrySettings#policy()}, and the other modules') classifies with {@link #isTransient}.
 *
 * <pre>{@code
 * try { s3.getObject(...); }
 * catch (SdkException e) { if (!S3Errors.isTransient(e)) throw e; log.warn("retrying: {}", S3Errors.describe(e)); }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class S3Errors {
    private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "RequestTimeout", "InternalError",
            "ServiceUnavailable", "Throttling", "ThrottlingException", "RequestTimeTooSkewed", "BadDigest",
            "IncompleteBody", "XAmzContentSHA256Mismatch", "OperationAborted");

    private S3Errors() {}

    /**
     * Whether a failure is worth another attempt: 5xx, 429, 408 and S3's throttling/timeout codes, the SDK's timeouts
     * and client-side I/O (connection reset, refused, truncated response), checksum mismatches and other
     * {@link IOException}s. Not: other 4xx, cancellation and interruption, local file errors, a local file that
     * changed during its transfer (tried again later, not now).
     */
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

    /** A short reason for a report: the S3 status, error code and message, or the exception's message and root. */
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
