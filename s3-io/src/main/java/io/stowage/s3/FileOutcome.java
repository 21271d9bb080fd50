package io.stowage.s3;

/**
 * What happened to one file of a transfer.
 *
 * <p>{@code if (o.status() == FileOutcome.Status.FAILED) System.err.println(o.path() + ": " + o.reason());}
 *
 * <p>Immutable and thread-safe.
 *
 * @param path     the path relative to the local folder, with {@code /} separators
 * @param key      the full S3 key
 * @param status   what happened
 * @param bytes    the file's size
 * @param attempts requests attempts used (1 when nothing was retried; 0 when skipped)
 * @param eTag     the stored object's ETag when transferred, else {@code null}
 * @param reason   why it failed or was skipped, else {@code null}
 */
public record FileOutcome(String path, String key, Status status, long bytes, int attempts, String eTag,
                          String reason) {
    /** The outcome of one file. */
    public enum Status {
        /** Stored (upload) or written (download) and verified. */
        TRANSFERRED,
        /** Already there; the skip policy said so. */
        SKIPPED,
        /** Not done; {@link #reason()} says why. */
        FAILED
    }
}
