package io.stowage.service;

/**
 * Credentials that are valid but not allowed here (CSRF token missing, sign-in not from loopback): answered with HTTP 403 and {@code {"error":{"type":"ServiceForbiddenException","message":...}}}.
 *
 * <p>{@code throw new ServiceForbiddenException("...");}
 *
 * <p>Immutable, so thread-safe.
 */
public class ServiceForbiddenException extends ServiceException {
    private static final long serialVersionUID = 1L;

    /** A failure with the message the client sees; say what was wrong and how to fix it. */
    public ServiceForbiddenException(String message) {
        super(403, message);
    }

    /** The same with its cause (logged, never shown to the client). */
    public ServiceForbiddenException(String message, Throwable cause) {
        super(403, message, cause);
    }
}
