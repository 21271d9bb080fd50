package io.stowage.cli;

/**
 * The credentials may not access the bucket a command names (HEAD bucket answered 403; exit 1).
 *
 * <p>{@code throw new CliBucketAccessDeniedException(loc.bucket(), where, "bucket ...; check --endpoint");}
 *
 * <p>Immutable, so thread-safe.
 */
final class CliBucketAccessDeniedException extends CliException {
    private static final long serialVersionUID = 1L;
    private final String bucket;
    private final String endpoint;

    /**
     * @param bucket   the bucket the command names
     * @param endpoint the endpoint asked ({@code "AWS S3"} without {@code --endpoint})
     * @param message  what happened and what to check
     * @param cause    the S3 client's exception, or null
     */
    CliBucketAccessDeniedException(String bucket, String endpoint, String message, Throwable cause) {
        super(message, cause, false);
        this.bucket = bucket;
        this.endpoint = endpoint;
    }

    CliBucketAccessDeniedException(String bucket, String endpoint, String message) {
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
