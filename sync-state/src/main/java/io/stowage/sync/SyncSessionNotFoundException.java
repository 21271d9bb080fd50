package io.stowage.sync;

/**
 * No session with that id in the ledger.
 *
 * <p>{@code catch (SyncSessionNotFoundException e) { System.err.println(e.getMessage() + " (" + e.sessionId() + ")"); }}
 *
 * <p>Immutable and thread-safe.
 */
public final class SyncSessionNotFoundException extends SyncException {
    private static final long serialVersionUID = 1L;
    private final long sessionId;

    public SyncSessionNotFoundException(String message, long sessionId) {
        super(message);
        this.sessionId = sessionId;
    }

    public SyncSessionNotFoundException(String message, long sessionId, Throwable cause) {
        super(message, cause);
        this.sessionId = sessionId;
    }

    /** The session id that failed. */
    public long sessionId() {
        return sessionId;
    }
}
