package io.stowage.sync;

/**
 * A SQLite ledger is in use by another process (SQLite ledgers take one process at a time; use PostgreSQL for many workers).
 *
 * <p>{@code catch (LedgerBusyException e) { System.err.println(e.getMessage() + " (" + e.path() + ")"); }}
 *
 * <p>Immutable and thread-safe.
 */
public final class LedgerBusyException extends SyncException {
    private static final long serialVersionUID = 1L;
    private final String path;

    public LedgerBusyException(String message, String path) {
        super(message);
        this.path = path;
    }

    public LedgerBusyException(String message, String path, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** The ledger file that failed. */
    public String path() {
        return path;
    }
}
