package io.stowage.des.ingest;

/**
 * The DES metadata ("state") database failed a statement of the packer, the catalogue or recovery. The message names
 * what was being recorded; the cause is the JDBC error. Work already uploaded stays recoverable (docs/des-ingest.md).
 *
 * <p>Immutable and thread-safe.
 */
public final class DesIngestStateException extends DesIngestException {
    private static final long serialVersionUID = 1L;

    public DesIngestStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
