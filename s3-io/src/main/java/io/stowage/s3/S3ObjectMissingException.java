package io.stowage.s3;

/**
 * The object asked for is not in the store (S3 answered 404 to a GET).
 *
 * <p>{@code catch (S3ObjectMissingException e) { log.warn("gone: s3://{}/{}", e.bucket(), e.key()); }}; immutable,
 * so thread-safe.
 */
public final class S3ObjectMissingException extends S3IoException {
    private static final long serialVersionUID = 1L;
    private final String bucket;
    private final String key;

    public S3ObjectMissingException(String bucket, String key, Throwable cause) {
        super("s3://" + bucket + "/" + key + " does not exist; check the key (list the prefix to see what is there)",
                cause);
        this.bucket = bucket;
        this.key = key;
    }

    /** The bucket asked. */
    public String bucket() {
        return bucket;
    }

    /** The key that is missing. */
    public String key() {
        return key;
    }
}
