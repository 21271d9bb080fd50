package io.stowage.sync.internal;

/**
 * A claimed file between its claim and its recorded outcome: the claim, and what the upload saw of the file (the
 * skip policy and the listener run on upload threads, hence volatile).
 */
final class InFlight {
    final FileTable.Claimed claim;
    volatile long size;
    volatile long mtimeNs;
    /** The stored object's ETag when the skip policy found it already stored. */
    volatile String storedETag;

    InFlight(FileTable.Claimed claim) {
        this.claim = claim;
        this.size = claim.size();
        this.mtimeNs = claim.mtimeNs();
    }
}
