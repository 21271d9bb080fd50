package io.stowage.des.ingest;

/**
 * Our finer state of a container (table {@code des_ingest_containers}), beside the existing {@code des_containers.status}
 * ({@code writing}, {@code uploaded}, {@code failed}). The exactly-once protocol (docs/des-ingest.md) moves a container
 * WRITING → UPLOADING → UPLOADED → DONE, or to DISCARDED; every step is idempotent and recovery resumes from any.
 */
public enum ContainerState {
    /** Key reserved, entries being written (multipart upload open); {@code des_containers.status = writing}. */
    WRITING,
    /** The writer is completing the upload; the object may or may not exist. */
    UPLOADING,
    /** The object exists; catalogue and name index written; source rows being marked packed. */
    UPLOADED,
    /** Source rows marked, claims cleared: finished. */
    DONE,
    /** Never completed: no object under the key (or one recovery removed); its rows went back to pending. */
    DISCARDED;

    /** The {@code des_containers.status} this state shows as. */
    public String legacyStatus() {
        return switch (this) {
            case WRITING, UPLOADING -> "writing";
            case UPLOADED, DONE -> "uploaded";
            case DISCARDED -> "failed";
        };
    }
}
