package io.stowage.es;

/**
 * Progress of a fetch, e.g. for a progress bar; attached with {@link EsFetchOptions#withListener}. Every method has an
 * empty default, so an implementation overrides what it needs and keeps compiling when events are added.
 *
 * <pre>{@code
 * EsFetchOptions o = EsFetchOptions.defaults().withListener(new EsFetchListener() {
 *     public void onSegment(EsSegment s, long bytesSoFar) { bar.step(); }
 * });
 * }</pre>
 *
 * <p>{@link #onPlan} and {@link #onSegment} are called from the single thread that writes the output, in time order;
 * {@link #onRetry} from the worker threads, concurrently, so implementations must be thread-safe for it. They must be
 * quick; an exception thrown from a callback aborts the fetch (the part files stay for a resume).
 */
public interface EsFetchListener {
    /** The plan: how many segments will be read (including preroll) and how many were resumed. */
    default void onPlan(int segments, int resumed) {
    }

    /** A segment was written (or found missing/failed) and the output holds {@code bytesSoFar} bytes. */
    default void onSegment(EsSegment segment, long bytesSoFar) {
    }

    /** A segment read failed and is retried after {@code delayMillis}. */
    default void onRetry(String key, int attempt, long delayMillis, String reason) {
    }

    /**
     * A listed name that is not a sane segment key (e.g. {@code 1735732800-9223372036854775807.es}) was ignored, and
     * why ({@link EsSegment#whyNotSegment}). Called from the thread that plans the fetch.
     */
    default void onIgnored(String key, String reason) {
    }

    /** A listener that ignores everything (the default of {@link EsFetchOptions}). */
    static EsFetchListener none() {
        return NoFetchListener.INSTANCE;
    }
}

/** The listener of {@link EsFetchListener#none()}. */
final class NoFetchListener implements EsFetchListener {
    static final NoFetchListener INSTANCE = new NoFetchListener();

    private NoFetchListener() {
    }

    @Override
    public String toString() {
        return "EsFetchListener.none()";
    }
}
