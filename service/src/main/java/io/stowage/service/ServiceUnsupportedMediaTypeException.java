package io.stowage.service;

/**
 * A body whose content type or content the service cannot take (not multipart, not media): answered with HTTP 415 and {@code {"error":{"type":"ServiceUnsupportedMediaTypeException","message":...}}}.
 *
 * <p>{@code throw new ServiceUnsupportedMediaTypeException("...");}
 *
 * <p>Immutable, so thread-safe.
 */
public class ServiceUnsupportedMediaTypeException extends ServiceException {
    private static final long serialVersionUID = 1L;

    /** A failure with the message the client sees; say what was wrong and how to fix it. */
    public ServiceUnsupportedMediaTypeException(String message) {
        super(415, message);
    }

    /** The same with its cause (logged, never shown to the client). */
    public ServiceUnsupportedMediaTypeException(String message, Throwable cause) {
        super(415, message, cause);
    }
}
