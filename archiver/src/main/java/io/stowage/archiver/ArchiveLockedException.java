package io.stowage.archiver;

import java.nio.file.Path;

/**
 * Another archiver holds the lock file of this input: its process is alive.
 *
 * <p>{@code catch (ArchiveLockedException e) { log.info("{} runs as pid {}", e.lockFile(), e.pid()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class ArchiveLockedException extends ArchiveException {
    private static final long serialVersionUID = 1L;
    private final transient Path lockFile;
    private final long pid;

    public ArchiveLockedException(Path lockFile, long pid) {
        super(lockFile + " is held by running process " + pid + "; another archiver works on this input. Wait for"
                + " it to finish, or stop it (kill " + pid + ") if it hangs");
        this.lockFile = lockFile;
        this.pid = pid;
    }

    /** The lock file. */
    public Path lockFile() {
        return lockFile;
    }

    /** The process id of the archiver that holds it. */
    public long pid() {
        return pid;
    }
}
