package io.stowage.archiver;

/**
 * Root of every failure of the archiver; unchecked. Subclasses name the failure and carry its facts.
 *
 * <p>{@code try { archiver.execute(archiver.plan()); } catch (ArchiveException e) { log.error(e.getMessage()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public class ArchiveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ArchiveException(String message) {
        super(message);
    }

    public ArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
