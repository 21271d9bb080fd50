package io.stowage.des.ingest;

import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Claims recorded in the metadata database ({@code des_ingest_claims}): one row per claimed source row, so it is the
 * fence between packers (a row another packer still has a claim on cannot be admitted), records which container a
 * row goes to (with its entry and DES name) before any byte of it is written, and gives claims a time when the source
 * has no {@code claimed_at}.
 */
final class ClaimLedger {
    private static final Logger LOG = LoggerFactory.getLogger(ClaimLedger.class);

    /** A recorded claim. */
    record Claim(String sourceDb, String rowId, String holder, int shard, Instant claimedAt, Long containerId,
                 String entryName, String desName) {}

    /**
     * What to record for a row: its container, entry name and DES name. {@code desName} is the row's own
     * ({@code row.desName()}, from the source table) or, when it has none, one assigned for it, which the marker
     * catalogue's name for the row's bucket and key replaces when the catalogue has one ({@link #record}).
     */
    record Assignment(SourceRow row, long containerId, String entryName, String desName) {}

    private final IngestDatabase db;
    /** Whether the state database has a usable marker catalogue; null until the first claim tells. */
    private Boolean hasCatalogue;

    ClaimLedger(IngestDatabase db) {
        this.db = db;
    }

    /**
     * Records claims; returns the rows recorded now (by id) with the DES name each was recorded with: the row's own,
     * else the marker catalogue's (same bucket and key), else the assigned one. A row that already has a claim
     * (another packer's, or one recovery has not cleared yet) is not recorded. On PostgreSQL one statement (the
     * catalogue joined in); elsewhere one transaction (a catalogue query, then the inserts).
     */
    Map<String, String> record(List<Assignment> assignments, String holder, Instant now) {
        Map<String, String> out = new HashMap<>();
        if (assignments.isEmpty()) {
            return out;
        }
        if (db.dialect() == IngestDatabase.Dialect.POSTGRES) {
            // one statement for the whole batch: the columns as arrays (a 1,000-row claim is one round trip, not five);
            // one statement is atomic by itself, so it runs in autocommit (no separate COMMIT round trip)
            db.jdbi().useHandle(h -> recordPostgres(h, assignments, holder, now, out));
            return out;
        }
        db.jdbi().useTransaction(h -> {
            Map<String, String> catalogue = catalogueNames(h, assignments);
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
                    args.add(a.row().desName() != null ? a.desName()
                            : catalogue.getOrDefault(a.row().bucket() + "\u0000" + a.row().key(), a.desName()));
                }
                sql.append(" ON CONFLICT (source_db, source_row_id) DO NOTHING RETURNING source_row_id, des_name");
                var q = h.createQuery(sql.toString());
                for (int i = 0; i < args.size(); i++) {
                    q.bind(i, args.get(i));
                }
                q.map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).forEach(e -> out.put(e.getKey(),
                        e.getValue()));
            }
        });
        return out;
    }

    /** DES names the marker's catalogue has for the rows without their own, by bucket + NUL + key (not PostgreSQL). */
    private Map<String, String> catalogueNames(Handle h, List<Assignment> assignments) {
        Map<String, String> out = new HashMap<>();
        List<String> keys = assignments.stream().map(Assignment::row).filter(r -> r.desName() == null
                && r.key() != null).map(SourceRow::key).distinct().toList();
        if (keys.isEmpty() || Boolean.FALSE.equals(hasCatalogue)) {
            return out;
        }
        try {
            for (int from = 0; from < keys.size(); from += 500) {
                h.createQuery("SELECT source_bucket, source_key, des_name FROM des_source_catalog WHERE des_name IS "
                                + "NOT NULL AND source_key IN (<k>)")
                        .bindList("k", keys.subList(from, Math.min(keys.size(), from + 500)))
                        .map((rs, ctx) -> Map.entry(rs.getString(1) + "\u0000" + rs.getString(2), rs.getString(3)))
                        .forEach(e -> out.put(e.getKey(), e.getValue()));
            }
            hasCatalogue = true;
        } catch (RuntimeException e) {
            if (hasCatalogue != null) {
                throw e;
            }
            noCatalogue(e);
            // SQLite goes on in the same transaction (a failed SELECT leaves it usable)
        }
        return out;
    }

    private void noCatalogue(Exception e) {
        LOG.info("no usable marker catalogue (des_source_catalog) in the state database ({}): the packer assigns "
                + "names", e.getMessage());
        hasCatalogue = false;
    }

    private void recordPostgres(Handle h, List<Assignment> assignments, String holder, Instant now,
                                Map<String, String> out) {
        int n = assignments.size();
        Object[][] cols = new Object[8][n];
        for (int i = 0; i < n; i++) {
            Assignment a = assignments.get(i);
            cols[0][i] = a.row().source();
            cols[1][i] = a.row().id();
            cols[2][i] = a.row().shard();
            cols[3][i] = a.containerId();
            cols[4][i] = a.entryName();
            cols[5][i] = a.desName();
            // a row with its own DES name is not looked up in the catalogue (a NULL key matches nothing)
            cols[6][i] = a.row().desName() == null ? a.row().bucket() : null;
            cols[7][i] = a.row().desName() == null ? a.row().key() : null;
        }
        java.sql.Connection c = h.getConnection();
        try {
            while (true) {
                boolean join = !Boolean.FALSE.equals(hasCatalogue);
                String insert = "INSERT INTO des_ingest_claims (source_db, source_row_id, holder_id, shard_id, "
                        + "claimed_at, container_id, entry_name, des_name) SELECT u.s, u.id, ?, u.shard, ?, u.c, u.e, "
                        + (join ? "COALESCE(cat.des_name, u.n)" : "u.n") + " FROM unnest(?::varchar[], ?::varchar[], "
                        + "?::int[], ?::bigint[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[]) AS u(s, id, "
                        + "shard, c, e, n, b, k)" + (join ? " LEFT JOIN LATERAL (SELECT des_name FROM "
                        + "des_source_catalog WHERE source_key = u.k AND source_bucket = u.b AND des_name IS NOT NULL "
                        + "LIMIT 1) cat ON true" : "");
                try {
                    // Usually no row of the batch has a claim yet (the rows were pending a moment ago and their shards
                    // are ours): a plain INSERT records them all, at about 2/3 of the server work of ON CONFLICT's
                    // speculative insertion. A row that has one fails the whole statement, which rolls back by itself
                    // (autocommit), and the batch is recorded again with ON CONFLICT DO NOTHING, skipping those rows.
                    try {
                        insert(c, insert + " RETURNING source_row_id, des_name", holder, now, cols, out);
                    } catch (java.sql.SQLException e) {
                        if (!"23505".equals(e.getSQLState())) {
                            throw e;
                        }
                        insert(c, insert + " ON CONFLICT (source_db, source_row_id) DO NOTHING RETURNING "
                                + "source_row_id, des_name", holder, now, cols, out);
                    }
                    if (join) {
                        hasCatalogue = true;
                    }
                    return;
                } catch (java.sql.SQLException e) {
                    // a site's catalogue without the columns we join on (42xxx: undefined table or column, found at the
                    // first claim): names come from the packer alone, as they would without a marker
                    // (only once: after noCatalogue the next round runs without the join, and a failure throws)
                    if (!join || hasCatalogue != null || e.getSQLState() == null || !e.getSQLState().startsWith("42")) {
                        throw e;
                    }
                    noCatalogue(e);
                }
            }
        } catch (java.sql.SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    private void insert(java.sql.Connection c, String sql, String holder, Instant now, Object[][] cols,
                        Map<String, String> out) throws java.sql.SQLException {
        String[] types = {"varchar", "varchar", "int4", "int8", "varchar", "varchar", "varchar", "varchar"};
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, holder);
            ps.setObject(2, db.timestamp(now));
            for (int i = 0; i < cols.length; i++) {
                ps.setArray(3 + i, c.createArrayOf(types[i], cols[i]));
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
    }

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
