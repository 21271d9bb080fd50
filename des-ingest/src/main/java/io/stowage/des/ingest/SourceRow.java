package io.stowage.des.ingest;

import java.time.Instant;
import java.util.Map;

/**
 * One claimed source row: where its body is, its size as the source says, its shard and the META it brings.
 * {@code idValue} is the id as the driver returned it (bound back as is); {@code id} its text (the metadata database
 * and META use it). {@code desName} is the row's {@code des_name} when the source table has that column and it is set.
 */
public record SourceRow(String source, String id, Object idValue, String bucket, String key, long sizeBytes,
                        Instant createdAt, Map<String, Object> metadata, int shard, String desName) {
    public SourceRow {
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(metadata));
    }

    /** A copy with another DES name. */
    public SourceRow withDesName(String name) {
        return new SourceRow(source, id, idValue, bucket, key, sizeBytes, createdAt, metadata, shard, name);
    }
}
