package io.stowage.transcode;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The output side failed on the local file system: the output folder cannot be created, the verified output cannot
 * be synced or given its name, a test clip cannot be written, or the temporary outputs cannot be listed. The input
 * and the encoder are fine; fix the path (space, permissions, a read-only mount) and run the job again.
 *
 * <p>{@code catch (TranscodeOutputIoException e) { log.error("{} ({}): {}", e.path(), e.what(), e.getCause()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeOutputIoException extends TranscodeException {
    private static final long serialVersionUID = 1L;
    private final transient Path path;
    private final String what;

    /**
     * @param path  the file or folder that failed
     * @param what  what was being done, in a few words (e.g. {@code "cannot create the output folder"})
     * @param cause the I/O error
     */
    public TranscodeOutputIoException(Path path, String what, IOException cause) {
        super(path + ": " + what + ": " + cause.getMessage()
                + "; check free space and permissions of the output folder", cause);
        this.path = path;
        this.what = what;
    }

    /** The file or folder that failed. */
    public Path path() {
        return path;
    }

    /** What was being done when it failed, in a few words. */
    public String what() {
        return what;
    }
}
