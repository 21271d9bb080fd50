package io.stowage.service;

/**
 * A dependency (Redis, S3, database) that does not answer: answered with HTTP 503 and {@code {"error":{"type":"ServiceUnavailableException","message":...}}}.
 *
 * <p>{@code throw new ServiceUnavailableException("...");}
 *
 * <p>Immutable, so thread-safe.
 */
public class ServiceUnavailableException extends ServiceException {
    private static final long serialVersionUID = 1L;

    /** A failure with the message the client sees; say what was wrong and how to fix it. */
    public ServiceUnavailableException(String message) {
        super(503, message);
    }

    /** The same with its cause (logged, never shown to the client). */
    public ServiceUnavailableException(String message, Throwable cause) {
        super(503, message, cause);
    }
}
