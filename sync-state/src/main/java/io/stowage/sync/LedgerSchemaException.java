package io.stowage.sync;

/**
 * The ledger was written by a newer Stowage (a schema version this one does not know) or its schema is damaged.
 *
 * <p>{@code catch (LedgerSchemaException e) { System.err.println(e.getMessage() + " (" + e.foundVersion() + ")"); }}
 *
 * <p>Immutable and thread-safe.
 */
public final class LedgerSchemaException extends SyncException {
    private static final long serialVersionUID = 1L;
    private final int foundVersion;

    public LedgerSchemaException(String message, int foundVersion) {
        super(message);
        this.foundVersion = foundVersion;
    }

    public LedgerSchemaException(String message, int foundVersion, Throwable cause) {
        super(message, cause);
        this.foundVersion = foundVersion;
    }

    /** The schema version found that failed. */
    public int foundVersion() {
        return foundVersion;
    }
}
