package io.stowage.cli;

/**
 * The endpoint cannot be reached, or answered the bucket check with another error (exit 1).
 *
 * <p>{@code throw new CliS3UnreachableException(loc.bucket(), where, "bucket '" + loc.bucket() + "' ...; check --endpoint");}
 *
 * <p>Immutable, so thread-safe.
 */
final class CliS3UnreachableException extends CliException {
    private static final long serialVersionUID = 1L;
    private final String bucket;
    private final String endpoint;

    /**
     * @param bucket   the bucket the command names
     * @param endpoint the endpoint asked ({@code "AWS S3"} without {@code --endpoint})
     * @param message  what happened and what to check
     * @param cause    the S3 client's exception, or null
     */
    CliS3UnreachableException(String bucket, String endpoint, String message, Throwable cause) {
        super(message, cause, false);
        this.bucket = bucket;
        this.endpoint = endpoint;
    }

    CliS3UnreachableException(String bucket, String endpoint, String message) {
        this(bucket, endpoint, message, null);
    }

    /** The bucket the command names. */
    String bucket() {
        return bucket;
    }

    /** The endpoint asked ({@code "AWS S3"} without {@code --endpoint}). */
    String endpoint() {
        return endpoint;
    }
}
