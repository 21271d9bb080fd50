package io.stowage.s3;

/**
 * Hears about an upload or download while it runs: a progress snapshot at a fixed interval (and once at the end), and
 * every file's outcome as it happens. The sync ledger records sessions through this.
 *
 * <pre>{@code
 * TransferListener l = new TransferListener() {
 *     public void onProgress(TransferProgress p) { System.err.printf("%d/%d files%n", p.filesDone(), p.filesTotal()); }
 *     public void onFile(FileReport f) { if (f.status() == FileReport.Status.FAILED) log.warn(f.reason()); }
 * };
 * }</pre>
 *
 * <p>Called from the transfer's threads, several at once for {@link #onFile}: implementations must be thread-safe
 * and quick. An exception thrown by a listener is logged and ignored.
 */
public interface TransferListener {
    /** A progress snapshot. */
    default void onProgress(TransferProgress progress) {}

    /** One file's final outcome (uploaded/downloaded, skipped or failed). */
    default void onFile(FileReport outcome) {}

    /** A listener that does nothing. */
    static TransferListener none() {
        return new TransferListener() {};
    }
}
