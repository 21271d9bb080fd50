package io.stowage.des.ingest;

import java.time.Instant;

/**
 * The node id asked for is leased by another live process (its lease in {@code des_node_leases} has not expired):
 * two name generators with one node id could produce the same DES name, so this one refuses to start. Start it with
 * another node id, stop the holder, or wait until the holder's lease expires (a holder that died stops renewing).
 *
 * <pre>{@code
 * try (NodeIdLease lease = NodeIdLease.acquire(db, 7, NodeIdLease.defaultHolder(), Duration.ofSeconds(30))) { ... }
 * catch (DesIngestNodeIdHeldException e) { System.err.println(e.holder() + " holds node id " + e.nodeId()); }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class DesIngestNodeIdHeldException extends DesIngestException {
    private static final long serialVersionUID = 1L;
    private final int nodeId;
    private final String holder;
    private final Instant expiresAt;

    public DesIngestNodeIdHeldException(int nodeId, String holder, Instant expiresAt, String message) {
        super(message);
        this.nodeId = nodeId;
        this.holder = holder;
        this.expiresAt = expiresAt;
    }

    /** The node id that was asked for. */
    public int nodeId() {
        return nodeId;
    }

    /** The live holder ({@code hostname-pid} unless the holder chose another name). */
    public String holder() {
        return holder;
    }

    /** When the holder's lease expires unless it renews it. */
    public Instant expiresAt() {
        return expiresAt;
    }
}
