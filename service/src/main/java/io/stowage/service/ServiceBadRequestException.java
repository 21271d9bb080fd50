package io.stowage.service;

/**
 * A request that is malformed (missing part, bad parameter): answered with HTTP 400 and {@code {"error":{"type":"ServiceBadRequestException","message":...}}}.
 *
 * <p>{@code throw new ServiceBadRequestException("...");}
 *
 * <p>Immutable, so thread-safe.
 */
public class ServiceBadRequestException extends ServiceException {
    private static final long serialVersionUID = 1L;

    /** A failure with the message the client sees; say what was wrong and how to fix it. */
    public ServiceBadRequestException(String message) {
        super(400, message);
    }

    /** The same with its cause (logged, never shown to the client). */
    public ServiceBadRequestException(String message, Throwable cause) {
        super(400, message, cause);
    }
}
