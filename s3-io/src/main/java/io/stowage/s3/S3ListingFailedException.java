package io.stowage.s3;

/**
 * A transfer could not list what it needed (the prefix for the skip check, or the objects to download) even after
 * retries, so it could not go on: the endpoint, bucket or credentials are wrong, or the store is down.
 *
 * <p>{@code catch (S3ListingFailedException e) { log.error("{}: {}", e.location(), e.reason()); }}; immutable, so
 * thread-safe.
 */
public final class S3ListingFailedException extends S3IoException {
    private static final long serialVersionUID = 1L;
    private final S3Location location;
    private final String reason;

    public S3ListingFailedException(S3Location location, String reason, Throwable cause) {
        super("cannot list " + location + ": " + reason + "; check the endpoint, bucket and credentials", cause);
        this.location = location;
        this.reason = reason;
    }

    /** The bucket and prefix that could not be listed. */
    public S3Location location() {
        return location;
    }

    /** What the store (or the connection) answered. */
    public String reason() {
        return reason;
    }
}
