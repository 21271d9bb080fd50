package io.stowage.des.ingest;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container catalogue: {@code des_containers} (the existing columns and status values keep their meaning) and our
 * side table {@code des_ingest_containers} (finer {@link ContainerState}, part number, bucket, holder, archive size,
 * ETag). Keys follow DES-INGEST.md section 3: {@code [{prefix}/]{day}/shard_{NN}.des} for the first container of a
 * shard and day, {@code {day}/shard_{NN}_p{K}.des} for part K ≥ 2; a part is reserved here before anything is written,
 * and a key that any catalogued container used is never handed out again.
 *
 * <pre>{@code
 * ContainerCatalog cat = ContainerCatalog.of(db);
 * Container c = cat.reserve(7, LocalDate.parse("2025-01-15"), "des-archives", "", "host-1234", Instant.now());
 * cat.list(LocalDate.parse("2025-01-15"), null).forEach(System.out::println);
 * }</pre>
 *
 * <p>Thread-safe (stateless over the database).
 */
public final class ContainerCatalog {
    private static final Pattern PART = Pattern.compile("shard_(\\d+)(?:_p(\\d+))?\\.des$");
    private static final String SELECT = "SELECT c.id, c.shard_id, c.day, c.status, c.s3_key, c.file_count, "
            + "c.data_bytes, c.created_at, c.finalized_at, s.bucket, s.part, s.state, s.holder_id, s.external_prefix, "
            + "s.archive_bytes, s.etag, s.verified FROM des_containers c LEFT JOIN des_ingest_containers s "
            + "ON s.container_id = c.id";

    private final IngestDatabase db;

    private ContainerCatalog(IngestDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    public static ContainerCatalog of(IngestDatabase db) {
        return new ContainerCatalog(db);
    }

    /** The key of part {@code part} of {@code shard} on {@code day} under {@code prefix} (may be empty). */
    public static String key(String prefix, LocalDate day, int shard, int part) {
        String nn = shard < 10 ? "0" + shard : Integer.toString(shard);
        String p = prefix == null || prefix.isEmpty() ? "" : (prefix.endsWith("/") ? prefix : prefix + "/");
        return p + day + "/shard_" + nn + (part <= 1 ? "" : "_p" + part) + ".des";
    }

    /** The part number a container key has (1 for the plain key), or 0 when it is not a container key. */
    public static int partOf(String key) {
        Matcher m = PART.matcher(key);
        if (!m.find()) {
            return 0;
        }
        return m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
    }

    /**
     * Reserves the next part of {@code shard} and {@code day}: one past the highest part any catalogued container
     * of that shard and day has (whatever its status), state WRITING, {@code des_containers.status = writing}.
     * {@code skipKeys} are keys the caller found taken in the store; parts up to them are skipped too.
     */
    public Container reserve(int shard, LocalDate day, String bucket, String prefix, String holder, Instant now,
                             int minPart) {
        return db.jdbi().inTransaction(h -> {
            int max = Math.max(minPart - 1, 0);
            for (String k : h.createQuery("SELECT s3_key FROM des_containers WHERE shard_id = :s AND day = :d")
                    .bind("s", shard).bind("d", day(day)).mapTo(String.class).list()) {
                max = Math.max(max, partOf(k));
            }
            int part = max + 1;
            String key = key(prefix, day, shard, part);
            long id = h.createQuery("INSERT INTO des_containers (shard_id, day, status, s3_key, file_count, "
                            + "data_bytes, created_at) VALUES (:s, :d, 'writing', :k, 0, 0, :now) RETURNING id")
                    .bind("s", shard).bind("d", day(day)).bind("k", key).bind("now", db.timestamp(now))
                    .mapTo(Long.class).one();
            String ext = key.substring(0, key.length() - ".des".length());
            h.execute("INSERT INTO des_ingest_containers (container_id, bucket, s3_key, shard_id, day, part, state, "
                            + "holder_id, external_prefix, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'WRITING', ?, ?, ?)",
                    id, bucket, key, shard, day(day), part, holder, ext, db.timestamp(now));
            return get(h, id).orElseThrow();
        });
    }

    /**
     * {@link #reserve} for several shards of one day in one transaction (the first claim of a run opens a container
     * per held shard: one commit instead of one each). Returns the containers by shard.
     */
    public java.util.Map<Integer, Container> reserveAll(java.util.Collection<Integer> shards, LocalDate day,
                                                        String bucket, String prefix, String holder, Instant now) {
        if (shards.isEmpty()) {
            return java.util.Map.of();
        }
        List<Integer> list = new ArrayList<>(new java.util.TreeSet<>(shards));
        return db.jdbi().inTransaction(h -> {
            java.util.Map<Integer, Integer> max = new java.util.HashMap<>();
            h.createQuery("SELECT shard_id, s3_key FROM des_containers WHERE day = :d AND shard_id IN (<s>)")
                    .bind("d", day(day)).bindList("s", list)
                    .map((rs, ctx) -> java.util.Map.entry(rs.getInt(1), partOf(rs.getString(2))))
                    .forEach(e -> max.merge(e.getKey(), e.getValue(), Math::max));
            StringBuilder ins = new StringBuilder("INSERT INTO des_containers (shard_id, day, status, s3_key, "
                    + "file_count, data_bytes, created_at) VALUES ");
            List<Object> args = new ArrayList<>();
            java.util.Map<Integer, String> keys = new java.util.HashMap<>();
            for (int i = 0; i < list.size(); i++) {
                int shard = list.get(i);
                String key = key(prefix, day, shard, max.getOrDefault(shard, 0) + 1);
                keys.put(shard, key);
                ins.append(i == 0 ? "" : ", ").append("(?, ?, 'writing', ?, 0, 0, ?)");
                args.add(shard);
                args.add(day(day));
                args.add(key);
                args.add(db.timestamp(now));
            }
            ins.append(" RETURNING id, shard_id");
            var q = h.createQuery(ins.toString());
            for (int i = 0; i < args.size(); i++) {
                q.bind(i, args.get(i));
            }
            java.util.Map<Integer, Long> ids = new java.util.HashMap<>();
            q.map((rs, ctx) -> java.util.Map.entry(rs.getInt(2), rs.getLong(1))).forEach(e -> ids.put(e.getKey(),
                    e.getValue()));
            StringBuilder side = new StringBuilder("INSERT INTO des_ingest_containers (container_id, bucket, s3_key, "
                    + "shard_id, day, part, state, holder_id, external_prefix, updated_at) VALUES ");
            List<Object> sargs = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                int shard = list.get(i);
                String key = keys.get(shard);
                side.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, 'WRITING', ?, ?, ?)");
                sargs.addAll(List.of(ids.get(shard), bucket, key, shard, day(day), partOf(key), holder,
                        key.substring(0, key.length() - ".des".length()), db.timestamp(now)));
            }
            var u = h.createUpdate(side.toString());
            for (int i = 0; i < sargs.size(); i++) {
                u.bind(i, sargs.get(i));
            }
            u.execute();
            java.util.Map<Integer, Container> out = new java.util.LinkedHashMap<>();
            h.createQuery(SELECT + " WHERE c.id IN (<ids>)").bindList("ids", new ArrayList<>(ids.values()))
                    .map((rs, ctx) -> row(rs)).forEach(c -> out.put(c.shardId(), c));
            return out;
        });
    }

    /** Moves a container of ours from {@code from} to {@code to} when it is in {@code from}; false otherwise. */
    public boolean transition(long id, ContainerState from, ContainerState to, Instant now) {
        return !transitionAll(List.of(id), from, to, now).isEmpty();
    }

    /**
     * Records an upload: {@code des_containers} {@code uploaded} with counts and {@code finalized_at}; our row
     * UPLOADED with the archive's size and ETag; the name index rows from the claims of this container, all in one
     * transaction. Only from UPLOADING (or WRITING, for recovery of legacy rows); false when in another state.
     */
    public boolean markUploaded(long id, int files, long dataBytes, long archiveBytes, String etag, Instant now) {
        return !markUploadedAll(List.of(new Upload(id, files, dataBytes, archiveBytes, etag)), now).isEmpty();
    }

    /**
     * {@link #transition} for several containers in one transaction; returns the ids that were in {@code from} and
     * moved.
     */
    public java.util.Set<Long> transitionAll(java.util.Collection<Long> ids, ContainerState from, ContainerState to,
                                             Instant now) {
        if (ids.isEmpty()) {
            return java.util.Set.of();
        }
        return db.jdbi().inTransaction(h -> transitionAll(h, ids, from, to, now));
    }

    private java.util.Set<Long> transitionAll(Handle h, java.util.Collection<Long> ids, ContainerState from,
                                              ContainerState to, Instant now) {
        java.util.Set<Long> moved = new java.util.HashSet<>(h.createQuery("UPDATE des_ingest_containers SET "
                        + "state = :to, updated_at = :now WHERE container_id IN (<ids>) AND state = :from RETURNING "
                        + "container_id")
                .bind("to", to.name()).bind("now", db.timestamp(now)).bind("from", from.name())
                .bindList("ids", new ArrayList<>(ids)).mapTo(Long.class).list());
        if (!moved.isEmpty() && !from.legacyStatus().equals(to.legacyStatus())) {
            if (to == ContainerState.DISCARDED) {
                h.createUpdate("UPDATE des_containers SET status = 'failed', finalized_at = :now WHERE id IN (<ids>)")
                        .bind("now", db.timestamp(now)).bindList("ids", new ArrayList<>(moved)).execute();
            } else {
                h.createUpdate("UPDATE des_containers SET status = :st WHERE id IN (<ids>)")
                        .bind("st", to.legacyStatus()).bindList("ids", new ArrayList<>(moved)).execute();
            }
        }
        return moved;
    }

    /** What {@link #markUploadedAll} records for one container. */
    record Upload(long id, int files, long dataBytes, long archiveBytes, String etag) {}

    /**
     * {@link #markUploaded} for several containers in one transaction (batched statements); returns the ids that
     * were UPLOADING (or WRITING) and are now UPLOADED with their name index rows.
     */
    java.util.Set<Long> markUploadedAll(List<Upload> ups, Instant now) {
        if (ups.isEmpty()) {
            return java.util.Set.of();
        }
        return db.jdbi().inTransaction(h -> {
            var b = h.prepareBatch("UPDATE des_ingest_containers SET state = 'UPLOADED', entry_count = :files, "
                    + "archive_bytes = :archive, etag = :etag, updated_at = :now WHERE container_id = :id AND state IN "
                    + "('UPLOADING', 'WRITING')");
            for (Upload u : ups) {
                b.bind("files", u.files()).bind("archive", u.archiveBytes()).bind("etag", u.etag())
                        .bind("now", db.timestamp(now)).bind("id", u.id()).add();
            }
            int[] counts = b.execute();
            List<Upload> ok = new ArrayList<>();
            for (int i = 0; i < ups.size(); i++) {
                if (counts[i] == 1) {
                    ok.add(ups.get(i));
                }
            }
            if (ok.isEmpty()) {
                return java.util.Set.<Long>of();
            }
            var c = h.prepareBatch("UPDATE des_containers SET status = 'uploaded', file_count = :files, data_bytes = "
                    + ":data, finalized_at = :now WHERE id = :id");
            for (Upload u : ok) {
                c.bind("files", u.files()).bind("data", u.dataBytes()).bind("now", db.timestamp(now))
                        .bind("id", u.id()).add();
            }
            c.execute();
            List<Long> ids = ok.stream().map(Upload::id).toList();
            h.createUpdate("INSERT INTO des_entry_index (des_name, source_db, source_row_id, container_id, entry_name, "
                    + "created_at) SELECT des_name, source_db, source_row_id, container_id, entry_name, :now FROM "
                    + "des_ingest_claims WHERE container_id IN (<ids>) AND des_name IS NOT NULL AND entry_name IS NOT "
                    + "NULL ON CONFLICT (des_name) DO NOTHING").bind("now", db.timestamp(now)).bindList("ids", ids)
                    .execute();
            return new java.util.HashSet<>(ids);
        });
    }

    /** The container with {@code id}. */
    public Optional<Container> get(long id) {
        return db.jdbi().withHandle(h -> get(h, id));
    }

    private Optional<Container> get(Handle h, long id) {
        return h.createQuery(SELECT + " WHERE c.id = :id").bind("id", id).map((rs, ctx) -> row(rs)).findOne();
    }

    /** Containers of {@code day} (null: every day) and {@code shard} (null: every shard), by day, shard, id. */
    public List<Container> list(LocalDate day, Integer shard) {
        StringBuilder sql = new StringBuilder(SELECT + " WHERE 1 = 1");
        if (day != null) {
            sql.append(" AND c.day = :d");
        }
        if (shard != null) {
            sql.append(" AND c.shard_id = :s");
        }
        sql.append(" ORDER BY c.day, c.shard_id, c.id");
        return db.jdbi().withHandle(h -> {
            var q = h.createQuery(sql.toString());
            if (day != null) {
                q.bind("d", day(day));
            }
            if (shard != null) {
                q.bind("s", shard);
            }
            return q.map((rs, ctx) -> row(rs)).list();
        });
    }

    /** Our containers in any of {@code states}. */
    public List<Container> inStates(ContainerState... states) {
        List<String> names = new ArrayList<>();
        for (ContainerState s : states) {
            names.add(s.name());
        }
        return db.jdbi().withHandle(h -> h.createQuery(SELECT + " WHERE s.state IN (<st>) ORDER BY c.id")
                .bindList("st", names).map((rs, ctx) -> row(rs)).list());
    }

    /** Containers of the existing system (no side row of ours) with {@code status}. */
    public List<Container> foreign(String status) {
        return db.jdbi().withHandle(h -> h.createQuery(SELECT + " WHERE s.container_id IS NULL AND c.status = :st "
                + "ORDER BY c.id").bind("st", status).map((rs, ctx) -> row(rs)).list());
    }

    /**
     * Adopts a container of the existing system: a side row with {@code state}, the bucket it is in, its part and
     * holder {@code recovery}; afterwards it is handled like ours. False when it has one already.
     */
    public boolean adopt(Container c, String bucket, ContainerState state, String holder, Instant now) {
        return db.jdbi().inTransaction(h -> {
            int n = h.execute("INSERT INTO des_ingest_containers (container_id, bucket, s3_key, shard_id, day, part, "
                            + "state, holder_id, external_prefix, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT DO NOTHING", c.id(), bucket, c.s3Key(), c.shardId(), day(c.day()),
                    Math.max(1, partOf(c.s3Key())), state.name(), holder, c.s3Key().replaceAll("\\.des$", ""),
                    db.timestamp(now));
            if (n == 1 && !state.legacyStatus().equals(c.status())) {
                h.execute("UPDATE des_containers SET status = ? WHERE id = ?", state.legacyStatus(), c.id());
            }
            return n == 1;
        });
    }

    /** Records the outcome of an integrity check ({@code ok}, {@code mismatch}, {@code missing}, ...). */
    public void setVerified(long id, String outcome) {
        db.jdbi().useHandle(h -> h.execute("UPDATE des_ingest_containers SET verified = ? WHERE container_id = ?",
                outcome, id));
    }

    /** Removes a container that never got an entry (no object was ever written under its key). */
    public void deleteEmpty(long id) {
        db.jdbi().useTransaction(h -> {
            h.execute("DELETE FROM des_ingest_claims WHERE container_id = ?", id);
            h.execute("DELETE FROM des_ingest_containers WHERE container_id = ? AND state = 'WRITING'", id);
            h.execute("DELETE FROM des_containers WHERE id = ? AND NOT EXISTS (SELECT 1 FROM des_ingest_containers "
                    + "WHERE container_id = ?)", id, id);
        });
    }

    private Container row(ResultSet rs) throws SQLException {
        String state = rs.getString("state");
        long archive = rs.getLong("archive_bytes");
        Long archiveBytes = rs.wasNull() ? null : archive;
        int part = rs.getInt("part");
        Integer partObj = rs.wasNull() ? null : part;
        return new Container(rs.getLong("id"), rs.getInt("shard_id"), LocalDate.parse(rs.getString("day")
                .substring(0, 10)), rs.getString("status"), rs.getString("s3_key"), rs.getInt("file_count"),
                rs.getLong("data_bytes"), db.instant(rs, "created_at"), db.instant(rs, "finalized_at"),
                rs.getString("bucket"), partObj, state == null ? null : ContainerState.valueOf(state),
                rs.getString("holder_id"), rs.getString("external_prefix"), archiveBytes, rs.getString("etag"),
                rs.getString("verified"));
    }

    /** A day as this database stores it (PostgreSQL DATE, SQLite text). */
    Object day(LocalDate d) {
        return db.dialect() == IngestDatabase.Dialect.POSTGRES ? d : d.toString();
    }
}
