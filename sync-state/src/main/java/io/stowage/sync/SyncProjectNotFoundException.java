package io.stowage.sync;

/**
 * No project of that name in the ledger.
 *
 * <p>{@code catch (SyncProjectNotFoundException e) { System.err.println(e.getMessage() + " (" + e.project() + ")"); }}
 *
 * <p>Immutable and thread-safe.
 */
public final class SyncProjectNotFoundException extends SyncException {
    private static final long serialVersionUID = 1L;
    private final String project;

    public SyncProjectNotFoundException(String message, String project) {
        super(message);
        this.project = project;
    }

    public SyncProjectNotFoundException(String message, String project, Throwable cause) {
        super(message, cause);
        this.project = project;
    }

    /** The project name that failed. */
    public String project() {
        return project;
    }
}
