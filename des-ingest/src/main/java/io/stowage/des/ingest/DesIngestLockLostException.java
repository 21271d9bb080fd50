package io.stowage.des.ingest;

/**
 * A shard lock this process held was taken over or expired (a renewal failed or found another holder): writing to the
 * shard stopped at once, its open container was abandoned and its claims released. Raised inside the packer for the
 * shard's work only; the packer goes on with its other shards.
 *
 * <p>Immutable and thread-safe.
 */
public final class DesIngestLockLostException extends DesIngestException {
    private static final long serialVersionUID = 1L;
    private final int shardId;

    public DesIngestLockLostException(int shardId, String message) {
        super(message);
        this.shardId = shardId;
    }

    /** The shard whose lock was lost. */
    public int shardId() {
        return shardId;
    }
}
