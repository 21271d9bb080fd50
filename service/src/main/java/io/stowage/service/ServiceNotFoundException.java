package io.stowage.service;

/**
 * Nothing at this address for this caller (another user's job is also not found): answered with HTTP 404 and {@code {"error":{"type":"ServiceNotFoundException","message":...}}}.
 *
 * <p>{@code throw new ServiceNotFoundException("...");}
 *
 * <p>Immutable, so thread-safe.
 */
public class ServiceNotFoundException extends ServiceException {
    private static final long serialVersionUID = 1L;

    /** A failure with the message the client sees; say what was wrong and how to fix it. */
    public ServiceNotFoundException(String message) {
        super(404, message);
    }

    /** The same with its cause (logged, never shown to the client). */
    public ServiceNotFoundException(String message, Throwable cause) {
        super(404, message, cause);
    }
}
