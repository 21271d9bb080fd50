package io.stowage.des.ingest;

/**
 * A byte range starts at or past the end of the file ({@code GET /files/{name}} answers 416 with
 * {@code Content-Range: bytes * /size}).
 *
 * <p>Immutable and thread-safe.
 */
public final class DesIngestRangeNotSatisfiableException extends DesIngestException {
    private static final long serialVersionUID = 1L;
    private final long size;

    public DesIngestRangeNotSatisfiableException(long size, String message) {
        super(message);
        this.size = size;
    }

    /** The file's size in bytes. */
    public long size() {
        return size;
    }
}
