package io.stowage.s3;

/**
 * A conditional request found another version of the object than the caller asked for: S3 answered
 * {@code 412 Precondition Failed} to an {@code If-Match}, or (for stores that ignore {@code If-Match}) the answer
 * carried another ETag. The object was replaced since its ETag was read; read it again from the start.
 *
 * <p>{@code catch (S3PreconditionFailedException e) { log.info("{}/{} changed from {}", e.bucket(), e.key(),
 * e.expectedETag()); }}; immutable, so thread-safe.
 */
public final class S3PreconditionFailedException extends S3IoException {
    private static final long serialVersionUID = 1L;
    private final String bucket;
    private final String key;
    private final String expectedETag;
    private final String actualETag;

    /**
     * @param expectedETag the ETag sent in {@code If-Match}
     * @param actualETag   the ETag the store answered with, or null when it refused with 412
     */
    public S3PreconditionFailedException(String bucket, String key, String expectedETag, String actualETag,
                                         Throwable cause) {
        super("s3://" + bucket + "/" + key + " is no longer the version with ETag " + expectedETag
                + (actualETag == null ? " (412 Precondition Failed)" : " (the store sent ETag " + actualETag + ")")
                + "; it was replaced: read it again from the start", cause);
        this.bucket = bucket;
        this.key = key;
        this.expectedETag = expectedETag;
        this.actualETag = actualETag;
    }

    /** The bucket asked. */
    public String bucket() {
        return bucket;
    }

    /** The key asked. */
    public String key() {
        return key;
    }

    /** The ETag the request required ({@code If-Match}). */
    public String expectedETag() {
        return expectedETag;
    }

    /** The ETag the store answered with, or null when it refused with 412 without sending one. */
    public String actualETag() {
        return actualETag;
    }
}
