package io.stowage.sync;

/**
 * A SQLite ledger is in use by another process (SQLite ledgers take one process at a time; use PostgreSQL for many workers).
 *
 * <p>{@code catch (SyncLedgerBusyException e) { System.err.println(e.getMessage() + " (" + e.path() + ")"); }}
 *
 * <p>Immutable and thread-safe.
 */
public final class SyncLedgerBusyException extends SyncException {
    private static final long serialVersionUID = 1L;
    private final String path;

    public SyncLedgerBusyException(String message, String path) {
        super(message);
        this.path = path;
    }

    public SyncLedgerBusyException(String message, String path, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** The ledger file that failed. */
    public String path() {
        return path;
    }
}
