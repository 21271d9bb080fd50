package io.stowage.es;

import java.nio.file.Path;

/**
 * The output could not be written or read back: its folder is missing, {@code OUT.part} cannot be opened, written,
 * synced or renamed, or an output stream failed. A fetch to a file leaves its part files for a resume.
 *
 * <p>{@code catch (EsOutputIoException e) { log.error("{}: {}", e.path(), e.getMessage()); }}; immutable and
 * thread-safe.
 */
public final class EsOutputIoException extends EsException {
    private static final long serialVersionUID = 1L;
    private final transient Path path;

    /**
     * @param path    the file or folder that failed, or null for an output stream
     * @param message what failed and what to do
     * @param cause   the I/O error, or null
     */
    public EsOutputIoException(Path path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** The file or folder that failed ({@code OUT.part}, its state file, the output folder), or null for a stream. */
    public Path path() {
        return path;
    }
}
