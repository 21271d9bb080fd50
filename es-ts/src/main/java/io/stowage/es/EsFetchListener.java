package io.stowage.es;

/**
 * Progress of a fetch, e.g. for a progress bar. Every method has an empty default.
 *
 * <pre>{@code
 * EsFetchListener l = new EsFetchListener() {
 *     public void segmentWritten(EsSegment s, long bytesSoFar) { bar.step(); }
 * };
 * }</pre>
 *
 * <p>{@link #planned} and {@link #segmentWritten} are called from the single thread that writes the output, in time
 * order; {@link #retrying} from the worker threads, concurrently. Implementations must be quick; an exception thrown
 * from a callback aborts the fetch (the part files stay for a resume).
 */
public interface EsFetchListener {
    /** The plan: how many segments will be read (including preroll) and how many were resumed. */
    default void planned(int segments, int resumed) {
    }

    /** A segment was written (or found missing/failed) and the output holds {@code bytesSoFar} bytes. */
    default void segmentWritten(EsSegment segment, long bytesSoFar) {
    }

    /** A segment read failed and will be retried after {@code delayMillis}. */
    default void retrying(String key, int attempt, long delayMillis, String reason) {
    }
}
