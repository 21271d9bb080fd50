package io.stowage.service;

/**
 * The root of the service module's failures: an exception that knows its HTTP status. The server's error mapping
 * answers it with that status and {@code {"error":{"type":"<simple class name>","message":"<message>"}}} (or the
 * {@link ErrorFormat} the server was built with). Throw a named subclass ({@link ServiceNotFoundException}, ...);
 * library exceptions are mapped to a status with {@link ServiceServer.Builder#mapError}.
 *
 * <pre>{@code
 * throw new ServiceNotFoundException("no job " + id);   // 404 {"error":{"type":"ServiceNotFoundException",...}}
 * }</pre>
 *
 * <p>Immutable, so thread-safe.
 */
public class ServiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    /** A failure answered with {@code status}. */
    public ServiceException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** A failure answered with {@code status}, with its cause (logged, never shown to the client). */
    public ServiceException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status the server answers with. */
    public int status() {
        return status;
    }
}
