package io.stowage.sync;

/**
 * The ledger was written by a newer Stowage (a schema version this one does not know) or its schema is damaged.
 *
 * <p>{@code catch (SyncLedgerSchemaException e) { System.err.println(e.getMessage() + " (" + e.foundVersion() + ")"); }}
 *
 * <p>Immutable and thread-safe.
 */
public final class SyncLedgerSchemaException extends SyncException {
    private static final long serialVersionUID = 1L;
    private final int foundVersion;

    public SyncLedgerSchemaException(String message, int foundVersion) {
        super(message);
        this.foundVersion = foundVersion;
    }

    public SyncLedgerSchemaException(String message, int foundVersion, Throwable cause) {
        super(message, cause);
        this.foundVersion = foundVersion;
    }

    /** The schema version found that failed. */
    public int foundVersion() {
        return foundVersion;
    }
}
