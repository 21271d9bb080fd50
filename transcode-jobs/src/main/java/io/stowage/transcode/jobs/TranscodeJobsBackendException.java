package io.stowage.transcode.jobs;

/**
 * Redis, S3 or the SMTP server could not be reached or refused a request after retries. Submit leaves nothing
 * queued when it throws this (the raw object is removed when S3 lets it).
 *
 * <p>{@code catch (TranscodeJobsBackendException e) { respond(503, e.backend() + ": " + e.reason()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeJobsBackendException extends TranscodeJobsException {
    private static final long serialVersionUID = 1L;
    private final String backend;
    private final String reason;

    public TranscodeJobsBackendException(String backend, String reason, Throwable cause) {
        super(backend + " failed: " + reason + "; " + hint(backend, reason), cause);
        this.backend = backend;
        this.reason = reason;
    }

    /** How to fix it: a missing bucket is not a store that is down. */
    private static String hint(String backend, String reason) {
        if (reason != null && reason.contains("NoSuchBucket")) {
            return "create the bucket first (aws s3 mb s3://BUCKET, or `stowage s3 serve --bucket BUCKET` for a local "
                    + "store) or name an existing one with --bucket";
        }
        return "check that " + backend + " is running and reachable";
    }

    /** {@code "redis"}, {@code "s3"} or {@code "smtp"}. */
    public String backend() {
        return backend;
    }

    /** What failed, in words. */
    public String reason() {
        return reason;
    }
}
