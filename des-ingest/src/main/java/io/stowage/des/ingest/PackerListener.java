package io.stowage.des.ingest;

/**
 * Hears what a {@link DesPacker} does, on the packer's thread (lock events also on the heartbeat thread). Set with
 * {@link PackerOptions#withListener}; default {@link #none()}.
 */
public interface PackerListener {
    default void onLockAcquired(int shard) {}

    default void onLockLost(int shard, String reason) {}

    default void onContainerOpened(Container c) {}

    /** An entry was written into container {@code containerId}. */
    default void onEntryAdded(int shard, long containerId, SourceRow row, String entryName) {}

    /** Two rows of one container had the same entry name; the later one got {@code resolved}. */
    default void onNameClash(long containerId, String original, String resolved, SourceRow row) {}

    /** The row's object is missing or unreadable: the row is {@code failed} with {@code reason}. */
    default void onRowFailed(SourceRow row, String reason) {}

    default void onContainerUploaded(Container c, int entries) {}

    /** A container was given up (lost lock, failed upload); its rows went back to pending. */
    default void onContainerDiscarded(Container c, String reason) {}

    /**
     * A step of the protocol was reached for container {@code c} ({@code null} for {@code claimed}): {@code claimed}
     * (rows claimed, before their objects are fetched), {@code uploading} (before the upload completes),
     * {@code uploaded} (catalogue and name index written, before the rows are marked), {@code marked} (rows marked,
     * before the claims are cleared). For tracing and for tests that stop a packer at a given moment.
     */
    default void onStep(String step, Container c) {}

    static PackerListener none() {
        return PackerSupport.NO_LISTENER;
    }
}
