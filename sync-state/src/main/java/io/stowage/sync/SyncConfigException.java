package io.stowage.sync;

/**
 * A configuration value is missing, unknown, of the wrong type or invalid (a usage error: exit code 2 on the command line).
 *
 * <p>{@code catch (SyncConfigException e) { System.err.println(e.getMessage() + " (" + e.key() + ")"); }}
 *
 * <p>Immutable and thread-safe.
 */
public final class SyncConfigException extends SyncException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public SyncConfigException(String message, String key) {
        super(message);
        this.key = key;
    }

    public SyncConfigException(String message, String key, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The configuration key that failed. */
    public String key() {
        return key;
    }
}
