package io.stowage.service;

/**
 * A well-formed request with a value the service does not accept (unknown preset, bad name): answered with HTTP 422 and {@code {"error":{"type":"ServiceUnprocessableException","message":...}}}.
 *
 * <p>{@code throw new ServiceUnprocessableException("...");}
 *
 * <p>Immutable, so thread-safe.
 */
public class ServiceUnprocessableException extends ServiceException {
    private static final long serialVersionUID = 1L;

    /** A failure with the message the client sees; say what was wrong and how to fix it. */
    public ServiceUnprocessableException(String message) {
        super(422, message);
    }

    /** The same with its cause (logged, never shown to the client). */
    public ServiceUnprocessableException(String message, Throwable cause) {
        super(422, message, cause);
    }
}
