package io.stowage.es;

import java.nio.file.Path;

/**
 * A resume was asked for, but the partial output and its state file do not belong to this fetch (other source or
 * range) or are unreadable. Nothing was changed; fetch again with overwrite, or delete the part files.
 *
 * <p>{@code catch (EsResumeException e) { Files.delete(e.stateFile()); }}; immutable and thread-safe.
 */
public final class EsResumeException extends EsException {
    private static final long serialVersionUID = 1L;
    private final transient Path stateFile;
    private final String reason;

    /**
     * @param stateFile the rejected {@code OUT.part.json}
     * @param reason    why it was rejected and what to do
     */
    public EsResumeException(Path stateFile, String reason) {
        super(stateFile + ": " + reason);
        this.stateFile = stateFile;
        this.reason = reason;
    }

    /** Why the state file was rejected, and what to do. */
    public String reason() {
        return reason;
    }

    /** The {@code OUT.part.json} state file that was rejected. */
    public Path stateFile() {
        return stateFile;
    }
}
