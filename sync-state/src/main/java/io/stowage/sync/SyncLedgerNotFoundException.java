package io.stowage.sync;

/**
 * A command that only reads or acts on an existing ledger ({@code sync status}, {@code sync retry},
 * {@code sync trigger}; {@link SyncLedger#openExisting(String)}) was pointed at a ledger that does not exist: a
 * missing SQLite file, or a file or PostgreSQL schema without Stowage's tables. Nothing was created.
 *
 * <p>{@code catch (SyncLedgerNotFoundException e) { System.err.println("no ledger at " + e.state()); }}
 *
 * <p>Immutable and thread-safe.
 */
public final class SyncLedgerNotFoundException extends SyncException {
    private static final long serialVersionUID = 1L;
    private final String state;

    public SyncLedgerNotFoundException(String message, String state) {
        super(message);
        this.state = state;
    }

    /** The ledger as given ({@code --state}): a file path or a JDBC URL (its password hidden). */
    public String state() {
        return state;
    }
}
