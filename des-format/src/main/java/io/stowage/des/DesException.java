package io.stowage.des;

/**
 * Root of every failure this module reports: unchecked, with subclasses named by the failure.
 *
 * <p>{@code try { reader.read("a.jpg"); } catch (DesEntryNotFoundException e) { ... } catch (DesException e) { ... }}
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class DesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DesException(String message) {
        super(message);
    }

    public DesException(String message, Throwable cause) {
        super(message, cause);
    }
}
