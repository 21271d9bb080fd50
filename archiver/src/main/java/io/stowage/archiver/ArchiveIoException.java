package io.stowage.archiver;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A folder or file of the archive cannot be read or written (the input is missing, a folder cannot be listed).
 *
 * <p>{@code catch (ArchiveIoException e) { log.error("{}: {}", e.path(), e.getMessage()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class ArchiveIoException extends ArchiveException {
    private static final long serialVersionUID = 1L;
    private final transient Path path;

    public ArchiveIoException(Path path, String what, IOException cause) {
        super(path + ": " + what + ": " + cause, cause);
        this.path = path;
    }

    /** The file or folder. */
    public Path path() {
        return path;
    }
}
