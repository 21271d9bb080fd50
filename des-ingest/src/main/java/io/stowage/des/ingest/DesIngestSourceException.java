package io.stowage.des.ingest;

/**
 * A source database cannot be reached or answered with an error (connection refused, missing table or column, a
 * statement that failed). The message names the source and the statement's purpose; the cause is the JDBC error.
 *
 * <p>Immutable and thread-safe.
 */
public final class DesIngestSourceException extends DesIngestException {
    private static final long serialVersionUID = 1L;
    private final String source;

    public DesIngestSourceException(String source, String message, Throwable cause) {
        super(message, cause);
        this.source = source;
    }

    /** The source's {@code name} from the YAML. */
    public String source() {
        return source;
    }
}
