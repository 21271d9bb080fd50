package io.stowage.s3;

/**
 * What happened to one file of a transfer: given to {@link TransferListener#onFile} as each file ends.
 *
 * <p>{@code if (r.status() == FileReport.Status.FAILED) System.err.println(r.path() + ": " + r.reason());}
 *
 * <p>Immutable; thread-safe if the item's tag is.
 *
 * @param path     the path relative to the local folder (upload of an {@link UploadItem}: its key relative to the
 *                 target prefix), with {@code /} separators
 * @param key      the full S3 key, or {@code null} for an entry that never got one (an unreadable folder)
 * @param status   what happened
 * @param bytes    the file's size
 * @param attempts requests attempts used (1 when nothing was retried; 0 when skipped)
 * @param eTag     the stored object's ETag when transferred (or listed when skipped), else {@code null}
 * @param reason   why it failed or was skipped, else {@code null}
 * @param item     the {@link UploadItem} this report is about, as the caller gave it (with its tag); {@code null} for
 *                 folder uploads, path lists and downloads
 */
public record FileReport(String path, String key, Status status, long bytes, int attempts, String eTag, String reason,
                         UploadItem item) {
    /** The outcome of one file. */
    public enum Status {
        /** Stored (upload) or written (download) and verified. */
        TRANSFERRED,
        /** Already there; the skip policy said so. */
        SKIPPED,
        /** Not done; {@link #reason()} says why. */
        FAILED
    }

    /** The caller's tag of the {@link #item()}, or {@code null}. */
    public Object tag() {
        return item == null ? null : item.tag();
    }
}
