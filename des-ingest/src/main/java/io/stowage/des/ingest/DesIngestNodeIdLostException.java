package io.stowage.des.ingest;

/**
 * The node-id lease of a name generator is lost (it expired or another process took it over, e.g. after this one
 * stalled or lost the database for longer than the lease's TTL): no name was or will be given with it; the work in
 * progress was rolled back. Restart the process (it leases its node id again) or give it another node id.
 *
 * <p>Immutable and thread-safe.
 */
public final class DesIngestNodeIdLostException extends DesIngestException {
    private static final long serialVersionUID = 1L;
    private final int nodeId;

    public DesIngestNodeIdLostException(int nodeId, String message) {
        super(message);
        this.nodeId = nodeId;
    }

    /** The node id whose lease was lost. */
    public int nodeId() {
        return nodeId;
    }
}
