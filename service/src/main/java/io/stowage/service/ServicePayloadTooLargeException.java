package io.stowage.service;

/**
 * A body over the configured limit, rejected while it streams in: answered with HTTP 413 and {@code {"error":{"type":"ServicePayloadTooLargeException","message":...}}}.
 *
 * <p>{@code throw new ServicePayloadTooLargeException("...");}
 *
 * <p>Immutable, so thread-safe.
 */
public class ServicePayloadTooLargeException extends ServiceException {
    private static final long serialVersionUID = 1L;

    /** A failure with the message the client sees; say what was wrong and how to fix it. */
    public ServicePayloadTooLargeException(String message) {
        super(413, message);
    }

    /** The same with its cause (logged, never shown to the client). */
    public ServicePayloadTooLargeException(String message, Throwable cause) {
        super(413, message, cause);
    }
}
