package io.stowage.des.ingest;

import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Claims recorded in the metadata database ({@code des_ingest_claims}): one row per claimed source row, so it is the
 * fence between packers (a row another packer still has a claim on cannot be admitted), records which container a
 * row goes to (with its entry and DES name) before any byte of it is written, and gives claims a time when the source
 * has no {@code claimed_at}.
 */
final class ClaimLedger {
    /** A recorded claim. */
    record Claim(String sourceDb, String rowId, String holder, int shard, Instant claimedAt, Long containerId,
                 String entryName, String desName) {}

    /** What to record for a row: its container, entry name and DES name. */
    record Assignment(SourceRow row, long containerId, String entryName, String desName) {}

    private final IngestDatabase db;

    ClaimLedger(IngestDatabase db) {
        this.db = db;
    }

    /**
     * Records claims; returns the ids (of {@code assignments}' rows) that were recorded now: a row that already has a
     * claim (another packer's, or one recovery has not cleared yet) is not.
     */
    Set<String> record(List<Assignment> assignments, String holder, Instant now) {
        Set<String> out = new HashSet<>();
        if (assignments.isEmpty()) {
            return out;
        }
        if (db.dialect() == IngestDatabase.Dialect.POSTGRES) {
            // one statement for the whole batch: the columns as arrays (a 1,000-row claim is one round trip, not five);
            // one statement is atomic by itself, so it runs in autocommit (no separate COMMIT round trip)
            db.jdbi().useHandle(h -> out.addAll(recordPostgres(h, assignments, holder, now)));
            return out;
        }
        db.jdbi().useTransaction(h -> {
            for (int from = 0; from < assignments.size(); from += 200) {
                List<Assignment> part = assignments.subList(from, Math.min(assignments.size(), from + 200));
                StringBuilder sql = new StringBuilder("INSERT INTO des_ingest_claims (source_db, source_row_id, "
                        + "holder_id, shard_id, claimed_at, container_id, entry_name, des_name) VALUES ");
                List<Object> args = new ArrayList<>();
                for (int i = 0; i < part.size(); i++) {
                    Assignment a = part.get(i);
                    sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?)");
                    args.add(a.row().source());
                    args.add(a.row().id());
                    args.add(holder);
                    args.add(a.row().shard());
                    args.add(db.timestamp(now));
                    args.add(a.containerId());
                    args.add(a.entryName());
                    args.add(a.desName());
                }
                sql.append(" ON CONFLICT (source_db, source_row_id) DO NOTHING RETURNING source_row_id");
                var q = h.createQuery(sql.toString());
                for (int i = 0; i < args.size(); i++) {
                    q.bind(i, args.get(i));
                }
                out.addAll(q.mapTo(String.class).list());
            }
        });
        return out;
    }

    private List<String> recordPostgres(Handle h, List<Assignment> assignments, String holder, Instant now) {
        int n = assignments.size();
        Object[] src = new Object[n];
        Object[] ids = new Object[n];
        Object[] shards = new Object[n];
        Object[] containers = new Object[n];
        Object[] entries = new Object[n];
        Object[] names = new Object[n];
        for (int i = 0; i < n; i++) {
            Assignment a = assignments.get(i);
            src[i] = a.row().source();
            ids[i] = a.row().id();
            shards[i] = a.row().shard();
            containers[i] = a.containerId();
            entries[i] = a.entryName();
            names[i] = a.desName();
        }
        java.sql.Connection c = h.getConnection();
        List<String> out = new ArrayList<>(n);
        try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO des_ingest_claims (source_db, "
                + "source_row_id, holder_id, shard_id, claimed_at, container_id, entry_name, des_name) SELECT u.s, u.id,"
                + " ?, u.shard, ?, u.c, u.e, u.n FROM unnest(?::varchar[], ?::varchar[], ?::int[], ?::bigint[], "
                + "?::varchar[], ?::varchar[]) AS u(s, id, shard, c, e, n) ON CONFLICT (source_db, source_row_id) DO "
                + "NOTHING RETURNING source_row_id")) {
            ps.setString(1, holder);
            ps.setObject(2, db.timestamp(now));
            ps.setArray(3, c.createArrayOf("varchar", src));
            ps.setArray(4, c.createArrayOf("varchar", ids));
            ps.setArray(5, c.createArrayOf("int4", shards));
            ps.setArray(6, c.createArrayOf("int8", containers));
            ps.setArray(7, c.createArrayOf("varchar", entries));
            ps.setArray(8, c.createArrayOf("varchar", names));
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
        return out;
    }

    /** Claims of one container. */
    List<Claim> ofContainer(long containerId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM des_ingest_claims WHERE container_id = :c")
                .bind("c", containerId).map((rs, ctx) -> claim(rs)).list());
    }

    /** Every claim (recovery). */
    List<Claim> all() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM des_ingest_claims").map((rs, ctx) -> claim(rs))
                .list());
    }

    private Claim claim(java.sql.ResultSet rs) throws java.sql.SQLException {
        long c = rs.getLong("container_id");
        Long cid = rs.wasNull() ? null : c;
        return new Claim(rs.getString("source_db"), rs.getString("source_row_id"), rs.getString("holder_id"),
                rs.getInt("shard_id"), db.instant(rs, "claimed_at"), cid, rs.getString("entry_name"),
                rs.getString("des_name"));
    }

    /** Deletes the claims of {@code ids} of {@code sourceDb}. */
    void delete(String sourceDb, Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        db.jdbi().useTransaction(h -> delete(h, sourceDb, ids));
    }

    static void delete(Handle h, String sourceDb, Collection<String> ids) {
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += 500) {
            h.createUpdate("DELETE FROM des_ingest_claims WHERE source_db = :s AND source_row_id IN (<ids>)")
                    .bind("s", sourceDb).bindList("ids", all.subList(from, Math.min(all.size(), from + 500)))
                    .execute();
        }
    }

    /** Records a claim the source shows but nobody recorded (the existing system's, or a crash's): first seen now. */
    void observe(String sourceDb, String rowId, String holder, int shard, Instant now) {
        db.jdbi().useHandle(h -> h.execute("INSERT INTO des_ingest_claims (source_db, source_row_id, holder_id, "
                + "shard_id, claimed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (source_db, source_row_id) DO NOTHING",
                sourceDb, rowId, holder, shard, db.timestamp(now)));
    }
}
