package io.stowage.sync.internal;

import io.stowage.sync.FailedFile;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The SQL of {@code file_uploads}, one row per file of a project: the diff's read of every row, batched inserts and
 * re-queues, claims ({@code FOR UPDATE SKIP LOCKED} on PostgreSQL), batched outcomes, and the status queries.
 *
 * <p>{@code Map<FileStatus, Long> counts = db.files().counts(projectId);}
 *
 * <p>Thread-safe: each call takes a pooled connection; SQLite writers queue in this process.
 */
public final class FileTable {
    /** Rows per batch statement / transaction. */
    static final int BATCH = 1000;

    private final LedgerDb db;

    FileTable(LedgerDb db) {
        this.db = db;
    }

    /** A modification time as the ledger stores it: nanoseconds since the epoch. */
    static long mtimeNs(Instant i) {
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    }

    /** What the ledger knows of one file, as loaded for the diff against a walk. */
    record Known(long id, long size, long mtimeNs, String checksum, FileStatus status) {}

    /** Streams every file record of the project into {@code sink} (path, record). */
    void forEach(long projectId, BiConsumer<String, Known> sink) {
        db.jdbi().useHandle(h -> {
            boolean pg = db.dialect() == Dialect.POSTGRESQL;
            if (pg) {
                h.begin();   // the PostgreSQL driver streams with a fetch size only inside a transaction
            }
            try (var it = h.createQuery("SELECT path, id, size, mtime_ns, checksum, status FROM file_uploads "
                            + "WHERE project_id = ?").bind(0, projectId).setFetchSize(5000)
                    .map((rs, ctx) -> {
                        sink.accept(rs.getString(1), new Known(rs.getLong(2), rs.getLong(3), rs.getLong(4),
                                rs.getString(5), FileStatus.of(rs.getString(6))));
                        return Boolean.TRUE;
                    }).iterator()) {
                while (it.hasNext()) {
                    it.next();
                }
            } finally {
                if (pg) {
                    h.commit();
                }
            }
        });
    }

    /** A file the walk found that the ledger does not know, as it is inserted. */
    record NewFile(String path, long size, long mtimeNs, String key, FileStatus status, String checksum,
                   Recheck recheck) {}

    /** Inserts unknown files ({@code ON CONFLICT DO NOTHING}: another worker may have inserted them). */
    void insert(long projectId, long sessionId, List<NewFile> files) {
        if (files.isEmpty()) {
            return;
        }
        db.writeVoid(() -> db.jdbi().useTransaction(h -> {
            PreparedBatch b = h.prepareBatch(db.sql("INSERT INTO file_uploads (project_id, path, size, mtime_ns, "
                    + "s3_key, status, checksum, recheck, attempts, session_id, created_at, updated_at, uploaded_at) "
                    + "VALUES (:p, :path, :size, :mtime, :key, :status, :checksum, :recheck, 0, :s, NOW_MS, NOW_MS, "
                    + "CASE WHEN :status = 'uploaded' THEN NOW_MS ELSE NULL END) "
                    + "ON CONFLICT (project_id, path) DO NOTHING"));
            for (NewFile f : files) {
                b.bind("p", projectId).bind("path", f.path()).bind("size", f.size()).bind("mtime", f.mtimeNs())
                        .bind("key", f.key()).bind("status", f.status().value()).bind("checksum", f.checksum())
                        .bind("recheck", f.recheck().code()).bind("s", sessionId).add();
            }
            b.execute();
        }));
    }

    /** What a collision's {@code last_error} starts with; {@code sync retry} leaves such rows alone. */
    static final String COLLISION = "key collision: ";

    /** Local files that map to one key: recorded as failed with {@code reason}, never uploaded. */
    record Collided(String path, long size, long mtimeNs, String key, String reason) {}

    /**
     * Records key collisions as failed (inserting the row, or updating it unless a worker is uploading it now), so
     * {@code sync status} lists them with the reason and no run uploads either file.
     */
    void collide(long projectId, long sessionId, List<Collided> files) {
        if (files.isEmpty()) {
            return;
        }
        db.writeVoid(() -> db.jdbi().useTransaction(h -> {
            PreparedBatch b = h.prepareBatch(db.sql("INSERT INTO file_uploads (project_id, path, size, mtime_ns, "
                    + "s3_key, status, recheck, attempts, last_error, session_id, created_at, updated_at) "
                    + "VALUES (:p, :path, :size, :mtime, :key, 'failed', 0, 0, :err, :s, NOW_MS, NOW_MS) "
                    + "ON CONFLICT (project_id, path) DO UPDATE SET status = 'failed', size = excluded.size, "
                    + "mtime_ns = excluded.mtime_ns, s3_key = excluded.s3_key, checksum = NULL, "
                    + "last_error = excluded.last_error, session_id = excluded.session_id, claimed_by = NULL, "
                    + "claimed_at = NULL, updated_at = excluded.updated_at "
                    + "WHERE file_uploads.status <> 'uploading'"));
            for (Collided f : files) {
                b.bind("p", projectId).bind("path", f.path()).bind("size", f.size()).bind("mtime", f.mtimeNs())
                        .bind("key", f.key()).bind("err", COLLISION + f.reason()).bind("s", sessionId).add();
            }
            b.execute();
        }));
    }

    /** A known file that needs uploading (again): changed, failed before, or not confirmed by the store. */
    record Requeue(long id, long size, long mtimeNs, String key, Recheck recheck) {}

    /** Sets files back to pending with their current size and mtime, unless a worker is uploading them right now. */
    void requeue(long sessionId, List<Requeue> files) {
        if (files.isEmpty()) {
            return;
        }
        db.writeVoid(() -> db.jdbi().useTransaction(h -> {
            PreparedBatch b = h.prepareBatch(db.sql("UPDATE file_uploads SET status = 'pending', size = :size, "
                    + "mtime_ns = :mtime, s3_key = :key, recheck = :recheck, checksum = NULL, session_id = :s, "
                    + "claimed_by = NULL, claimed_at = NULL, updated_at = NOW_MS "
                    + "WHERE id = :id AND status <> 'uploading'"));
            for (Requeue r : files) {
                b.bind("size", r.size()).bind("mtime", r.mtimeNs()).bind("key", r.key())
                        .bind("recheck", r.recheck().code()).bind("s", sessionId).bind("id", r.id()).add();
            }
            b.execute();
        }));
    }

    /** Makes every in-flight claim of the project claimable now (SQLite: no other process can hold one). */
    int expireClaims(long projectId) {
        return db.write(() -> db.jdbi().withHandle(h -> h.execute("UPDATE file_uploads SET claimed_at = 0 "
                + "WHERE project_id = ? AND status = 'uploading'", projectId)));
    }

    /** A claimed file: upload it, asking the store first as {@code recheck} says. */
    record Claimed(long id, String path, long size, long mtimeNs, Recheck recheck) {}

    /**
     * Claims up to {@code n} files: pending ones, and in-flight ones whose claim is older than {@code timeoutMs}
     * (their worker died; they come back with {@link Recheck#SAME_SIZE_AND_CHECKSUM}: the store may have them). On
     * PostgreSQL, rows another worker is claiming at the same moment are skipped ({@code FOR UPDATE SKIP LOCKED}).
     *
     * @param sessions only files last touched by these sessions, or {@code null} for all
     */
    List<Claimed> claim(long projectId, String worker, long sessionId, int n, long timeoutMs, List<Long> sessions) {
        String filter = sessions == null ? "" : " AND session_id IN (" + ids(sessions) + ")";
        return db.write(() -> db.jdbi().inTransaction(h -> h.createQuery(db.sql("UPDATE file_uploads SET "
                        + "recheck = CASE WHEN status = 'uploading' THEN 1 ELSE recheck END, "
                        + "status = 'uploading', claimed_by = :w, claimed_at = NOW_MS, attempts = attempts + 1, "
                        + "session_id = :s, updated_at = NOW_MS WHERE id IN (SELECT id FROM file_uploads "
                        + "WHERE project_id = :p AND (status = 'pending' OR (status = 'uploading' "
                        + "AND claimed_at < NOW_MS - :t))" + filter + " ORDER BY id LIMIT :n SKIP_LOCKED) "
                        + "RETURNING id, path, size, mtime_ns, recheck"))
                .bind("w", worker).bind("s", sessionId).bind("p", projectId).bind("t", timeoutMs).bind("n", n)
                .map((rs, ctx) -> new Claimed(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        Recheck.of(rs.getInt(5))))
                .list()));
    }

    private static String ids(List<Long> ids) {
        StringBuilder sb = new StringBuilder();
        for (Long id : ids) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(id.longValue());
        }
        return sb.length() == 0 ? "-1" : sb.toString();
    }

    /** Files of the project that other workers still have to finish (pending, or in flight elsewhere). */
    long othersOutstanding(long projectId, String worker, List<Long> sessions) {
        String filter = sessions == null ? "" : " AND session_id IN (" + ids(sessions) + ")";
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM file_uploads WHERE project_id = ? AND "
                        + "(status = 'pending' OR (status = 'uploading' AND claimed_by <> ?))" + filter)
                .bind(0, projectId).bind(1, worker).mapTo(Long.class).one());
    }

    /**
     * One file's result, written in batches.
     *
     * @param checksum the stored ETag when uploaded
     * @param error    why it failed, when failed
     */
    record Outcome(long id, boolean uploaded, long size, long mtimeNs, String checksum, String error) {}

    /**
     * Records results, only for files this worker still holds (a claim taken over after a timeout is not
     * overwritten). Returns how many rows were not held any more.
     */
    int record(String worker, long sessionId, List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return 0;
        }
        return db.write(() -> db.jdbi().inTransaction(h -> {
            PreparedBatch up = h.prepareBatch(db.sql("UPDATE file_uploads SET status = 'uploaded', size = :size, "
                    + "mtime_ns = :mtime, checksum = :checksum, last_error = NULL, recheck = 0, claimed_by = NULL, "
                    + "claimed_at = NULL, session_id = :s, uploaded_at = NOW_MS, updated_at = NOW_MS "
                    + "WHERE id = :id AND claimed_by = :w AND status = 'uploading'"));
            PreparedBatch fail = h.prepareBatch(db.sql("UPDATE file_uploads SET status = 'failed', "
                    + "last_error = :error, recheck = 0, claimed_by = NULL, claimed_at = NULL, session_id = :s, "
                    + "updated_at = NOW_MS WHERE id = :id AND claimed_by = :w AND status = 'uploading'"));
            int nUp = 0;
            int nFail = 0;
            for (Outcome o : outcomes) {
                if (o.uploaded()) {
                    up.bind("size", o.size()).bind("mtime", o.mtimeNs()).bind("checksum", o.checksum())
                            .bind("s", sessionId).bind("id", o.id()).bind("w", worker).add();
                    nUp++;
                } else {
                    fail.bind("error", o.error()).bind("s", sessionId).bind("id", o.id()).bind("w", worker).add();
                    nFail++;
                }
            }
            int lost = 0;
            if (nUp > 0) {
                for (int c : up.execute()) {
                    lost += c == 0 ? 1 : 0;
                }
            }
            if (nFail > 0) {
                for (int c : fail.execute()) {
                    lost += c == 0 ? 1 : 0;
                }
            }
            return lost;
        }));
    }

    /** Puts this worker's unfinished claims back (cancel): pending, to be checked against the store first. */
    int release(String worker) {
        return db.write(() -> db.jdbi().withHandle(h -> h.execute(db.sql("UPDATE file_uploads SET status = "
                + "'pending', recheck = 1, claimed_by = NULL, claimed_at = NULL, updated_at = NOW_MS "
                + "WHERE claimed_by = ? AND status = 'uploading'"), worker)));
    }

    /** Sets failed files with attempts left back to pending for a retry round; returns how many. */
    int requeueFailed(long projectId, int maxAttempts, List<Long> sessions) {
        String filter = sessions == null ? "" : " AND session_id IN (" + ids(sessions) + ")";
        return db.write(() -> db.jdbi().withHandle(h -> h.execute(db.sql("UPDATE file_uploads SET status = "
                + "'pending', recheck = 1, updated_at = NOW_MS WHERE project_id = ? AND status = 'failed' "
                + "AND attempts < ? AND (last_error IS NULL OR last_error NOT LIKE '" + COLLISION + "%')" + filter),
                projectId, maxAttempts)));
    }

    /** Counts of the project's files by status (every status present, 0 when none). */
    public Map<FileStatus, Long> counts(long projectId) {
        return db.jdbi().withHandle(h -> {
            Map<FileStatus, Long> m = new EnumMap<>(FileStatus.class);
            for (FileStatus s : FileStatus.values()) {
                m.put(s, 0L);
            }
            h.createQuery("SELECT status, COUNT(*) FROM file_uploads WHERE project_id = ? GROUP BY status")
                    .bind(0, projectId)
                    .map((rs, ctx) -> Map.entry(FileStatus.of(rs.getString(1)), rs.getLong(2)))
                    .forEach(e -> m.put(e.getKey(), e.getValue()));
            return m;
        });
    }

    /** Failed files, oldest id first, optionally of one session. */
    public List<FailedFile> failures(long projectId, Long sessionId, int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT path, s3_key, last_error, attempts, session_id, "
                        + "updated_at FROM file_uploads WHERE project_id = ? AND status = 'failed'"
                        + (sessionId == null ? "" : " AND session_id = " + sessionId.longValue())
                        + " ORDER BY id LIMIT ?").bind(0, projectId).bind(1, limit)
                .map((rs, ctx) -> new FailedFile(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        rs.getLong(5), Instant.ofEpochMilli(rs.getLong(6))))
                .list());
    }

    /** One file's whole row, for tests and diagnostics. */
    public record FileRow(long id, String path, long size, long mtimeNs, String checksum, String key,
                          FileStatus status, int attempts, String lastError, Long sessionId, String claimedBy) {}

    /** Every row of the project, by path (tests and diagnostics). */
    public List<FileRow> rows(long projectId) {
        List<FileRow> out = new ArrayList<>();
        db.jdbi().useHandle(h -> h.createQuery("SELECT id, path, size, mtime_ns, checksum, s3_key, status, "
                        + "attempts, last_error, session_id, claimed_by FROM file_uploads WHERE project_id = ? "
                        + "ORDER BY path")
                .bind(0, projectId)
                .map((rs, ctx) -> {
                    long sid = rs.getLong(10);
                    Long s = rs.wasNull() ? null : sid;
                    return new FileRow(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getString(5), rs.getString(6), FileStatus.of(rs.getString(7)), rs.getInt(8),
                            rs.getString(9), s, rs.getString(11));
                })
                .forEach(out::add));
        return out;
    }
}
