package io.stowage.es;

import java.nio.file.Path;

/**
 * A resume was asked for, but the partial output and its state file do not belong to this fetch (other source or
 * range) or are unreadable. Nothing was changed; fetch again with overwrite, or delete the part files.
 *
 * <p>Immutable and thread-safe.
 */
public final class EsResumeException extends EsException {
    private static final long serialVersionUID = 1L;
    private final transient Path stateFile;

    public EsResumeException(Path stateFile, String message) {
        super(stateFile + ": " + message);
        this.stateFile = stateFile;
    }

    /** The {@code OUT.part.json} state file that was rejected. */
    public Path stateFile() {
        return stateFile;
    }
}
