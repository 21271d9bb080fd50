package io.stowage.des.ingest;

import java.time.LocalDate;

/**
 * Where a packed file is: its container (id, bucket when Stowage wrote it, key, shard, day) and its entry name there.
 * {@code s3Bucket} is null for containers of the existing system (use the archive bucket).
 */
public record IndexedEntry(long containerId, String s3Bucket, String s3Key, int shardId, LocalDate day,
                           String entryName) {}
