package io.stowage.des.ingest;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One row of {@code des_containers}, with our side row where we wrote it ({@code state}, {@code bucket}, {@code part},
 * ... are null for containers of the existing system).
 */
public record Container(long id, int shardId, LocalDate day, String status, String s3Key, int fileCount,
                        long dataBytes, Instant createdAt, Instant finalizedAt, String bucket, Integer part,
                        ContainerState state, String holder, String externalPrefix, Long archiveBytes, String etag,
                        String verified) {
    /** Whether Stowage wrote it (it has our side row). */
    public boolean ours() {
        return state != null;
    }
}
