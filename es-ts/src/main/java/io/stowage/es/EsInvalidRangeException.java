package io.stowage.es;

/**
 * The requested time range is unusable: {@code from >= to}, or longer than {@link EsFetchOptions#maxRange()}.
 * The command line maps it to exit code 2 (bad usage).
 *
 * <p>{@code new EsInvalidRangeException("...")}; immutable and thread-safe.
 */
public final class EsInvalidRangeException extends EsException {
    private static final long serialVersionUID = 1L;

    public EsInvalidRangeException(String message) {
        super(message);
    }
}
