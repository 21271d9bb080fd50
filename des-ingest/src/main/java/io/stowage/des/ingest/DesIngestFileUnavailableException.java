package io.stowage.des.ingest;

/**
 * A file the name index knows cannot be served now: the store is down or slow past its timeouts, the container object
 * is missing or unreadable, or the container does not hold the entry the index names. {@code GET /files/{name}}
 * answers 503 with the message (it names the DES name, the container and why).
 *
 * <p>Immutable and thread-safe.
 */
public final class DesIngestFileUnavailableException extends DesIngestException {
    private static final long serialVersionUID = 1L;
    private final String desName;
    private final String container;

    public DesIngestFileUnavailableException(String desName, String container, String message, Throwable cause) {
        super(message, cause);
        this.desName = desName;
        this.container = container;
    }

    /** The DES name asked for. */
    public String desName() {
        return desName;
    }

    /** The container's S3 key (may be null when the index could not be read). */
    public String container() {
        return container;
    }
}
