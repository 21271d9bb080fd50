package io.stowage.sync;

/**
 * The root of every sync-state failure: ledger, configuration, project and trigger problems. Unchecked; the named
 * subclasses say what failed and carry the value that failed.
 *
 * <pre>{@code
 * try (SyncLedger ledger = SyncLedger.open("stowage.db")) {
 *     ledger.status("photos");
 * } catch (SyncProjectNotFoundException e) {
 *     System.err.println(e.getMessage());    // names the project and the ledger, and lists the known projects
 * } catch (SyncException e) {
 *     System.err.println(e.getMessage());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public class SyncException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SyncException(String message) {
        super(message);
    }

    public SyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
