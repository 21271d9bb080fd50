package io.stowage.des.ingest;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * The name index {@code des_entry_index}: DES name → container and entry name, written (in the same transaction as
 * the container's {@code uploaded}) when a container is uploaded. {@code stowage serve des} finds files through it.
 *
 * <pre>{@code
 * NameIndex.of(db).find("DES_20250115_(0123456789AB_CD)")
 *         .ifPresent(e -> System.out.println(e.s3Key() + " " + e.entryName()));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class NameIndex {
    private final IngestDatabase db;

    private NameIndex(IngestDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    public static NameIndex of(IngestDatabase db) {
        return new NameIndex(db);
    }

    /** Where the file named {@code desName} is, if it was packed into an uploaded container. */
    public Optional<IndexedEntry> find(String desName) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT i.container_id, s.bucket, c.s3_key, c.shard_id, c.day, "
                        + "i.entry_name FROM des_entry_index i JOIN des_containers c ON c.id = i.container_id "
                        + "LEFT JOIN des_ingest_containers s ON s.container_id = c.id WHERE i.des_name = :n")
                .bind("n", desName)
                .map((rs, ctx) -> new IndexedEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        LocalDate.parse(rs.getString(5).substring(0, 10)), rs.getString(6)))
                .findOne());
    }

    /** How many names the index holds. */
    public long size() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM des_entry_index").mapTo(Long.class)
                .one());
    }
}
