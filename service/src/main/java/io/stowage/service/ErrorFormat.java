package io.stowage.service;

/**
 * The JSON body of an error answer. The standard one is DESIGN.md's {@code {"error":{"type","message"}}};
 * {@code serve des} keeps its clients' {@code {"detail": "..."}} with {@link #detail()}.
 *
 * <pre>{@code
 * ServiceServer.builder().errorFormat(ErrorFormat.detail())...
 * }</pre>
 *
 * <p>Implementations must be stateless and thread-safe.
 */
@FunctionalInterface
public interface ErrorFormat {
    /** The body (serialized with Jackson) for a failure answered with {@code status}. */
    Object body(int status, String type, String message);

    /** {@code {"error":{"type":"ServiceNotFoundException","message":"no job 42"}}}. */
    static ErrorFormat standard() {
        return (status, type, message) -> new ErrorBody(new Error(type, message));
    }

    /** {@code {"detail":"File not found"}}, the body the existing Python services answer with. */
    static ErrorFormat detail() {
        return (status, type, message) -> new DetailBody(message);
    }

    /** The standard body. @param error the failure */
    record ErrorBody(Error error) {
    }

    /** The standard body's inner object. @param type the exception's simple class name @param message what failed */
    record Error(String type, String message) {
    }

    /** The {@code detail} body. @param detail what failed */
    record DetailBody(String detail) {
    }
}
