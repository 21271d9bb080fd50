package io.stowage.s3;

/**
 * {@link EmbeddedS3} could not start or stop: S3Proxy missing from the class path, the port taken, the folder not
 * usable. The message says which and what to do.
 *
 * <p>{@code catch (EmbeddedS3Exception e) { ... }}; immutable, so thread-safe.
 */
public final class EmbeddedS3Exception extends S3IoException {
    private static final long serialVersionUID = 1L;

    public EmbeddedS3Exception(String message, Throwable cause) {
        super(message, cause);
    }
}
