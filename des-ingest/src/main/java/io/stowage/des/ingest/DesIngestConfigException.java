package io.stowage.des.ingest;

/**
 * The sources YAML (or an option) is unusable: a missing or unreadable file, bad YAML, a missing key, a value of the
 * wrong type or out of range, an unset {@code ${VAR}}. The message names the file, the key path (e.g.
 * {@code sources[1].connection.port}) and why; a usage error (exit code 2 on the command line).
 *
 * <p>Immutable and thread-safe.
 */
public final class DesIngestConfigException extends DesIngestException {
    private static final long serialVersionUID = 1L;
    private final String keyPath;

    public DesIngestConfigException(String keyPath, String message) {
        super(message);
        this.keyPath = keyPath;
    }

    public DesIngestConfigException(String keyPath, String message, Throwable cause) {
        super(message, cause);
        this.keyPath = keyPath;
    }

    /** The key path that failed ({@code sources[0].table.columns.id}), or {@code ""} for the whole file. */
    public String keyPath() {
        return keyPath;
    }
}
