package io.stowage.es;

/**
 * A segment store could not be read (network or disk failure, access denied). {@link #isTransient()} says whether a
 * retry may succeed; {@link EsToTsParser} retries transient failures with backoff and reports a key as failed once the
 * attempts are spent.
 *
 * <p>Immutable and thread-safe.
 */
public class EsStoreException extends EsException {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final boolean retryable;

    public EsStoreException(String key, String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.key = key;
        this.retryable = retryable;
    }

    /** The segment key (relative to the store) being read, or {@code null} for a listing. */
    public String key() {
        return key;
    }

    /** Whether the same request may succeed when repeated (timeouts, 5xx, throttling, connection resets). */
    public boolean isTransient() {
        return retryable;
    }
}
