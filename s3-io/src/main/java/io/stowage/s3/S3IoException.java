package io.stowage.s3;

/**
 * The root of every failure that s3-io reports as an exception (a failed file inside a batch is reported in the
 * batch's report instead). Subclasses name the failure and carry the facts.
 *
 * <p>{@code try { server.start(); } catch (S3IoException e) { log.error(e.getMessage()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public class S3IoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public S3IoException(String message) {
        super(message);
    }

    public S3IoException(String message, Throwable cause) {
        super(message, cause);
    }
}
