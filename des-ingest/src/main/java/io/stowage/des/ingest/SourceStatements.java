package io.stowage.des.ingest;

import io.stowage.des.ingest.internal.SourceDialect;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL a {@link SourceConnector} sends for one source table (its configured columns, the optional columns it has,
 * its dialect) and how a selected row becomes a {@link SourceRow}. Status writes are set-based: one statement per
 * chunk of rows. The connector owns the connection and the transactions.
 */
final class SourceStatements {
    /** A statement's text and its bind arguments. */
    record Sql(String text, List<Object> args) {}

    /**
     * A PostgreSQL array bound as one parameter ({@code = ANY(?)}, {@code unnest(?)}): a batch is one short statement
     * with a few parameters instead of one parameter per row.
     */
    record PgArray(String type, Object[] values) {}

    /** Rows per set-based statement (bind parameters stay under every dialect's limit). */
    static final int CHUNK = 300;

    private final SourceConnector src;
    private final SourceConfig.Source source;
    private final SourceDialect dialect;
    private final SourceConfig.Columns cols;
    private final String table;

    SourceStatements(SourceConnector src, SourceDialect dialect) {
        this.src = src;
        this.source = src.source();
        this.dialect = dialect;
        this.cols = source.table().columns();
        this.table = source.table().qualifiedName();
    }

    /**
     * The rows {@code taken} become {@code claimed} (with {@code claimed_by}/{@code claimed_at} where present). Not
     * PostgreSQL: its claim is {@link #claimPending}.
     */
    Sql markClaimed(List<SourceRow> taken, String holder, Instant now) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = setClaimed(holder, now, args);
        sql.append(" WHERE ").append(cols.id()).append(" IN (").append(marks(taken.size())).append(")");
        taken.forEach(r -> args.add(r.idValue()));
        return new Sql(sql.toString(), args);
    }

    /**
     * One row becomes {@code claimed}: {@code ... WHERE id = ?}, the id to be bound after {@code args()} (MariaDB and
     * MySQL, one per row in a batch: InnoDB locks every row an UPDATE reads, and an {@code IN} list on a small table is
     * read as a scan, which waits on rows another claimer has locked; {@code id = ?} is a key lookup).
     */
    Sql markOneClaimed(String holder, Instant now) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = setClaimed(holder, now, args).append(" WHERE ").append(cols.id()).append(" = ?");
        return new Sql(sql.toString(), args);
    }

    /** {@code UPDATE table SET status = claimed[, claimed_by = ?][, claimed_at = ?]}; its arguments to {@code args}. */
    private StringBuilder setClaimed(String holder, Instant now, List<Object> args) {
        StringBuilder sql = new StringBuilder("UPDATE " + table + " SET " + cols.status() + " = ?");
        args.add(source.table().statusClaimedValue());
        if (src.hasColumn("claimed_by")) {
            sql.append(", claimed_by = ?");
            args.add(holder);
        }
        if (src.hasColumn("claimed_at")) {
            sql.append(", claimed_at = ?");
            args.add(dialect.time(now));
        }
        return sql;
    }

    /**
     * PostgreSQL: the rows {@code taken} that are still pending and not locked by another transaction become
     * {@code claimed}, in one statement that returns their ids.
     */
    Sql claimPending(List<SourceRow> taken, String holder, Instant now) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = setClaimed(holder, now, args);
        sql.append(" WHERE ").append(cols.id()).append(" IN (SELECT ").append(cols.id()).append(" FROM ").append(table)
                .append(" WHERE ").append(cols.id()).append(" = ANY(?) AND ").append(cols.status())
                .append(" = ? FOR UPDATE SKIP LOCKED) RETURNING ").append(cols.id());
        args.add(ids(taken.stream().map(SourceRow::id).toList()));
        args.add(source.table().statusPendingValue());
        return new Sql(sql.toString(), args);
    }

    /**
     * Rows {@code packed} (with {@code packed_at}, {@code des_name}, {@code des_container_id} where present). On
     * PostgreSQL one {@code UPDATE ... FROM unnest(ids, names, containers)} per 10,000 rows; elsewhere one
     * {@code UPDATE} per {@value #CHUNK} rows of a container, the DES names as a {@code CASE} on the id.
     */
    List<Sql> markPacked(List<SourceConnector.Packed> rows, Instant now) {
        boolean packedAt = src.hasColumn("packed_at");
        boolean desName = src.hasColumn("des_name");
        boolean container = src.hasColumn("des_container_id");
        List<Sql> out = new ArrayList<>();
        if (postgres()) {
            // PostgreSQL: ids, names and containers as arrays joined with unnest, one statement per 10,000 rows
            for (int from = 0; from < rows.size(); from += 10_000) {
                List<SourceConnector.Packed> part = rows.subList(from, Math.min(rows.size(), from + 10_000));
                List<Object> args = new ArrayList<>();
                StringBuilder sql = setPacked(packedAt, now, args);
                if (desName) {
                    sql.append(", des_name = des_u.des_u_name");
                }
                if (container) {
                    sql.append(", des_container_id = des_u.des_u_container");
                }
                sql.append(" FROM unnest(?, ?::varchar[], ?::bigint[]) AS des_u(des_u_id, des_u_name, "
                        + "des_u_container) WHERE ").append(cols.id()).append(" = des_u.des_u_id AND ")
                        .append(cols.status()).append(" <> 'packed'");
                args.add(ids(part.stream().map(SourceConnector.Packed::id).toList()));
                args.add(new PgArray("varchar", part.stream().map(SourceConnector.Packed::desName).toArray()));
                args.add(new PgArray("int8", part.stream().map(p -> (Object) p.containerId()).toArray()));
                out.add(new Sql(sql.toString(), args));
            }
            return out;
        }
        Map<Long, List<SourceConnector.Packed>> byContainer = new LinkedHashMap<>();
        for (SourceConnector.Packed p : rows) {
            byContainer.computeIfAbsent(p.containerId(), k -> new ArrayList<>()).add(p);
        }
        for (Map.Entry<Long, List<SourceConnector.Packed>> e : byContainer.entrySet()) {
            List<SourceConnector.Packed> all = e.getValue();
            for (int from = 0; from < all.size(); from += CHUNK) {
                List<SourceConnector.Packed> part = all.subList(from, Math.min(all.size(), from + CHUNK));
                List<Object> args = new ArrayList<>();
                StringBuilder sql = setPacked(packedAt, now, args);
                if (desName) {
                    sql.append(", des_name = CASE ").append(cols.id());
                    for (SourceConnector.Packed p : part) {
                        sql.append(" WHEN ? THEN ?");
                        args.add(src.idValue(p.id()));
                        args.add(p.desName());
                    }
                    sql.append(" END");
                }
                if (container) {
                    sql.append(", des_container_id = ?");
                    args.add(e.getKey());
                }
                sql.append(" WHERE ").append(cols.id()).append(" IN (").append(marks(part.size())).append(") AND ")
                        .append(cols.status()).append(" <> 'packed'");
                part.forEach(p -> args.add(src.idValue(p.id())));
                out.add(new Sql(sql.toString(), args));
            }
        }
        return out;
    }

    /** {@code UPDATE table SET status = 'packed'} and, when the column exists, {@code packed_at = now} into args. */
    private StringBuilder setPacked(boolean packedAt, Instant now, List<Object> args) {
        StringBuilder sql = new StringBuilder("UPDATE " + table + " SET " + cols.status() + " = 'packed'");
        if (packedAt) {
            sql.append(", packed_at = ?");
            args.add(dialect.time(now));
        }
        return sql;
    }

    /** One row {@code failed} with the reason in {@code error_message} (first 500 characters) where present. */
    Sql markFailed(String id, String reason) {
        StringBuilder sql = new StringBuilder("UPDATE " + table + " SET " + cols.status() + " = 'failed'");
        List<Object> args = new ArrayList<>();
        if (src.hasColumn("error_message")) {
            sql.append(", error_message = ?");
            args.add(reason.length() > 500 ? reason.substring(0, 500) : reason);
        }
        sql.append(" WHERE ").append(cols.id()).append(" = ? AND ").append(cols.status()).append(" <> 'packed'");
        args.add(src.idValue(id));
        return new Sql(sql.toString(), args);
    }

    /** Claimed rows back to pending ({@code claimed_by}/{@code claimed_at} cleared where present), per chunk. */
    List<Sql> release(Collection<String> ids) {
        List<Sql> out = new ArrayList<>();
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<String> part = all.subList(from, Math.min(all.size(), from + CHUNK));
            StringBuilder sql = new StringBuilder("UPDATE " + table + " SET " + cols.status() + " = ?");
            List<Object> args = new ArrayList<>();
            args.add(source.table().statusPendingValue());
            if (src.hasColumn("claimed_by")) {
                sql.append(", claimed_by = NULL");
            }
            if (src.hasColumn("claimed_at")) {
                sql.append(", claimed_at = NULL");
            }
            sql.append(" WHERE ").append(cols.status()).append(" = ? AND ").append(cols.id()).append(" IN (")
                    .append(marks(part.size())).append(")");
            args.add(source.table().statusClaimedValue());
            part.forEach(id -> args.add(src.idValue(id)));
            out.add(new Sql(sql.toString(), args));
        }
        return out;
    }

    /** The select list {@link #row} reads. */
    String selectList() {
        StringBuilder b = new StringBuilder();
        b.append(cols.id()).append(", ").append(cols.s3Bucket()).append(", ").append(cols.s3Key()).append(", ")
                .append(cols.sizeBytes());
        b.append(", ").append(cols.createdAt() != null ? cols.createdAt() : "NULL");
        b.append(", ").append(source.table().shardKeyColumn() != null ? source.table().shardKeyColumn() : "NULL");
        b.append(", ").append(src.hasColumn("des_name") ? "des_name" : "NULL");
        for (String mc : cols.metadataColumns().values()) {
            b.append(", ").append(mc);
        }
        return b.toString();
    }

    /** The row at {@code rs} (selected with {@link #selectList}). */
    SourceRow row(ResultSet rs) throws SQLException {
        Object id = rs.getObject(1);
        if (id instanceof Integer i) {
            id = i.longValue();
        }
        String bucket = rs.getString(2);
        String key = rs.getString(3);
        long size = rs.getLong(4);
        Instant created = SourceDialect.instant(rs.getObject(5));
        String shardKey = rs.getString(6);
        String desName = rs.getString(7);
        Map<String, Object> meta = new LinkedHashMap<>();
        int i = 8;
        for (String metaKey : cols.metadataColumns().keySet()) {
            Object v = rs.getObject(i++);
            meta.put(metaKey, jsonValue(v));
        }
        int shard = src.shardOf(shardKey != null ? shardKey : key == null ? "" : key);
        return new SourceRow(source.name(), String.valueOf(id), id, bucket, key, size, created, meta, shard,
                desName == null || desName.isBlank() ? null : desName);
    }

    private static Object jsonValue(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Integer
                || v instanceof Double) {
            return v;
        }
        if (v instanceof Number n) {
            return n instanceof java.math.BigDecimal bd && bd.scale() <= 0 ? bd.longValue() : n.doubleValue();
        }
        Instant t = SourceDialect.instant(v);
        return t != null && !(v instanceof CharSequence) ? t.toString() : v.toString();
    }

    /** Whether this source is PostgreSQL (array parameters). */
    boolean postgres() {
        return dialect.type() == SourceType.POSTGRES;
    }

    /** Row ids as one PostgreSQL array of the id column's kind ({@code int8} or {@code varchar}). */
    PgArray ids(List<String> ids) {
        if (src.numericId()) {
            Object[] v = new Object[ids.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = Long.parseLong(ids.get(i));
            }
            return new PgArray("int8", v);
        }
        return new PgArray("varchar", ids.toArray());
    }

    static String marks(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}
