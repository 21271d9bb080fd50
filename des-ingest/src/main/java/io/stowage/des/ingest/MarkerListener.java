package io.stowage.des.ingest;

/**
 * Told what the {@link Marker} does, on the marker's thread; keep it quick.
 *
 * <pre>{@code
 * MarkerListener l = new MarkerListener() {
 *     public void onBatch(MarkerBatchReport r) { log.info("marked {}", r.marked()); }
 * };
 * }</pre>
 */
public interface MarkerListener {
    /** A batch was committed (not called for an empty batch). */
    default void onBatch(MarkerBatchReport report) {}

    /**
     * A catalogue row could not be marked: {@code willRetry} when it is in status {@code retry} for a later batch,
     * otherwise it is {@code failed} (and in the DLQ when that is enabled).
     */
    default void onEntryFailed(long catalogEntryId, String error, boolean willRetry) {}

    /** A whole batch failed and was rolled back; the marker waits {@code backoffMillis} and goes on. */
    default void onBatchFailed(String error, long backoffMillis) {}

    /** A listener that does nothing. */
    static MarkerListener none() {
        return new MarkerListener() {};
    }
}
