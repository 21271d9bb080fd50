package io.stowage.service;

/**
 * No credentials, or credentials that fail verification (expired, forged, wrong key): answered with HTTP 401 and {@code {"error":{"type":"ServiceUnauthorizedException","message":...}}}.
 *
 * <p>{@code throw new ServiceUnauthorizedException("...");}
 *
 * <p>Immutable, so thread-safe.
 */
public class ServiceUnauthorizedException extends ServiceException {
    private static final long serialVersionUID = 1L;

    /** A failure with the message the client sees; say what was wrong and how to fix it. */
    public ServiceUnauthorizedException(String message) {
        super(401, message);
    }

    /** The same with its cause (logged, never shown to the client). */
    public ServiceUnauthorizedException(String message, Throwable cause) {
        super(401, message, cause);
    }
}
