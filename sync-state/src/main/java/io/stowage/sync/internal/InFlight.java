package io.stowage.sync.internal;

/**
 * A claimed file between its claim and its recorded outcome, carried through s3-io's uploader as its
 * {@code UploadItem}'s tag (so the outcome finds its claim without matching paths). The skip policy runs on upload
 * threads, hence the volatile field.
 */
final class InFlight {
    final FileTable.Claimed claim;
    /** The stored object's ETag when the skip policy found it already stored. */
    volatile String storedETag;

    InFlight(FileTable.Claimed claim) {
        this.claim = claim;
    }
}
