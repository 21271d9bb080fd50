package io.stowage.sync;

/**
 * The ledger's database cannot be reached or opened (wrong URL, server down, unreadable file).
 *
 * <p>{@code catch (SyncLedgerUnavailableException e) { System.err.println(e.getMessage() + " (" + e.url() + ")"); }}
 *
 * <p>Immutable and thread-safe.
 */
public final class SyncLedgerUnavailableException extends SyncException {
    private static final long serialVersionUID = 1L;
    private final String url;

    public SyncLedgerUnavailableException(String message, String url) {
        super(message);
        this.url = url;
    }

    public SyncLedgerUnavailableException(String message, String url, Throwable cause) {
        super(message, cause);
        this.url = url;
    }

    /** The state URL that failed. */
    public String url() {
        return url;
    }
}
