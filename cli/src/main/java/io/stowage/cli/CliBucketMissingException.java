package io.stowage.cli;

/**
 * The bucket a command names does not exist at the endpoint (HEAD bucket answered 404; exit 1).
 *
 * <p>{@code throw new CliBucketMissingException(loc.bucket(), where, "bucket ...; check --endpoint");}
 *
 * <p>Immutable, so thread-safe.
 */
final class CliBucketMissingException extends CliException {
    private static final long serialVersionUID = 1L;
    private final String bucket;
    private final String endpoint;

    /**
     * @param bucket   the bucket the command names
     * @param endpoint the endpoint asked ({@code "AWS S3"} without {@code --endpoint})
     * @param message  what happened and what to check
     * @param cause    the S3 client's exception, or null
     */
    CliBucketMissingException(String bucket, String endpoint, String message, Throwable cause) {
        super(message, cause, false);
        this.bucket = bucket;
        this.endpoint = endpoint;
    }

    CliBucketMissingException(String bucket, String endpoint, String message) {
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
