package io.stowage.service;

/**
 * A request that conflicts with the current state (e.g. downloading a job that is not finished): answered with HTTP 409 and {@code {"error":{"type":"ServiceConflictException","message":...}}}.
 *
 * <p>{@code throw new ServiceConflictException("...");}
 *
 * <p>Immutable, so thread-safe.
 */
public class ServiceConflictException extends ServiceException {
    private static final long serialVersionUID = 1L;

    /** A failure with the message the client sees; say what was wrong and how to fix it. */
    public ServiceConflictException(String message) {
        super(409, message);
    }

    /** The same with its cause (logged, never shown to the client). */
    public ServiceConflictException(String message, Throwable cause) {
        super(409, message, cause);
    }
}
