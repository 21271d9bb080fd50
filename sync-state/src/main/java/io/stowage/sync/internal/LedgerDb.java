package io.stowage.sync.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stowage.sync.ConfigChange;
import io.stowage.sync.FailedFile;
import io.stowage.sync.LedgerUnavailableException;
import io.stowage.sync.SessionInfo;
import io.stowage.sync.SyncConfigException;
import io.stowage.sync.SyncException;
import io.stowage.sync.TriggerOutcome;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every SQL statement of the ledger, over a Hikari pool (PostgreSQL) or a small pool of SQLite connections in WAL
 * mode with a busy timeout. Thread-safe: each call takes a pooled connection.
 */
public final class LedgerDb implements AutoCloseable {
    /** Rows per batch statement / transaction. */
    public static final int BATCH = 1000;

    private final Dialect dialect;
    private final String where;
    private final Path sqliteFile;
    private final HikariDataSource pool;
    private final Jdbi jdbi;

    private LedgerDb(Dialect dialect, String where, Path sqliteFile, HikariDataSource pool) {
        this.dialect = dialect;
        this.where = where;
        this.sqliteFile = sqliteFile;
        this.pool = pool;
        this.jdbi = Jdbi.create(pool);
    }

    /**
     * Opens (and migrates) the ledger at {@code state}: a file path or {@code jdbc:sqlite:PATH} for SQLite, or
     * {@code jdbc:postgresql://...} for PostgreSQL.
     */
    public static LedgerDb open(String state, int poolSize) {
        if (state == null || state.isBlank()) {
            throw new SyncConfigException("no ledger: give --state with a file path, jdbc:sqlite:PATH or "
                    + "jdbc:postgresql://HOST/DB", "state");
        }
        String url = state.strip();
        Dialect d = Dialect.ofJdbcUrl(url);
        Path file = null;
        if (d == null) {
            if (url.startsWith("jdbc:")) {
                throw new SyncConfigException("state URL " + redact(url) + " is not supported: use a file path, "
                        + "jdbc:sqlite:PATH or jdbc:postgresql://HOST:PORT/DB", "state");
            }
            if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
                throw new SyncConfigException("state URL " + redact(url) + " is not a JDBC URL: write "
                        + "jdbc:postgresql://HOST:PORT/DB?user=NAME", "state");
            }
            d = Dialect.SQLITE;
            file = Path.of(url).toAbsolutePath().normalize();
            url = "jdbc:sqlite:" + file;
        } else if (d == Dialect.SQLITE) {
            String rest = url.substring("jdbc:sqlite:".length());
            int q = rest.indexOf('?');
            String p = q >= 0 ? rest.substring(0, q) : rest;
            if (p.startsWith("file:")) {
                p = p.substring(5);
            }
            if (p.isEmpty() || p.equals(":memory:")) {
                throw new SyncConfigException("state URL " + url + " names no file: an in-memory SQLite ledger "
                        + "would forget everything at exit; give a file path", "state");
            }
            file = Path.of(p).toAbsolutePath().normalize();
        }
        if (file != null) {
            Path parent = file.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new LedgerUnavailableException("cannot open the SQLite ledger " + file + ": its folder "
                        + parent + " does not exist; create it or give another --state path", state);
            }
            if (Files.isDirectory(file)) {
                throw new LedgerUnavailableException("cannot open the SQLite ledger " + file + ": it is a folder; "
                        + "give a file path such as " + file.resolve("stowage.db"), state);
            }
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setPoolName("stowage-ledger");
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(1);
        if (d == Dialect.SQLITE) {
            hc.setMaximumPoolSize(Math.max(2, Math.min(poolSize, 4)));
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("busy_timeout", "30000");
            hc.addDataSourceProperty("synchronous", "NORMAL");
            hc.addDataSourceProperty("foreign_keys", "true");
        } else {
            hc.setMaximumPoolSize(Math.max(2, poolSize));
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
            hc.addDataSourceProperty("ApplicationName", "stowage");
        }
        String shown = file != null ? file.toString() : redact(url);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String hint = d == Dialect.POSTGRESQL
                    ? "; check that PostgreSQL runs and accepts connections there (host, port, database, user)"
                    : "; check the path and that the file is a SQLite database";
            throw new LedgerUnavailableException("cannot open the ledger " + shown + ": " + root.getMessage()
                    + hint, state, e);
        }
        LedgerDb db = new LedgerDb(d, shown, file, ds);
        try {
            Migrations.migrate(db.jdbi, d, shown);
        } catch (SyncException e) {
            db.close();
            throw e;
        } catch (RuntimeException e) {
            db.close();
            throw new LedgerUnavailableException("cannot read the ledger " + shown + ": " + message(e)
                    + (d == Dialect.SQLITE ? "; is it a SQLite database written by Stowage?" : ""), state, e);
        }
        return db;
    }

    /** Hides {@code password=...} in a URL shown to people. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//([^/:@]+):([^@/]+)@", "//$1:***@");
    }

    static String message(Throwable e) {
        Throwable t = e;
        while (t instanceof JdbiException && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The ledger as shown in messages (file path or redacted URL). */
    public String where() {
        return where;
    }

    /** The SQLite file, or {@code null} for PostgreSQL. */
    public Path sqliteFile() {
        return sqliteFile;
    }

    public int schemaVersion() {
        return jdbi.withHandle(Migrations::current);
    }

    private String sql(String s) {
        return dialect.sql(s);
    }

    /**
     * SQLite has one writer at a time and makes others wait by sleeping and polling (up to 100 ms a turn); within
     * this process the writers (claims, the outcome writer, heartbeats) queue on this lock instead, so none sleeps.
     */
    private final java.util.concurrent.locks.ReentrantLock sqliteWriter = new java.util.concurrent.locks.ReentrantLock(true);

    private <T> T write(java.util.function.Supplier<T> work) {
        if (dialect != Dialect.SQLITE) {
            return work.get();
        }
        sqliteWriter.lock();
        try {
            return work.get();
        } finally {
            sqliteWriter.unlock();
        }
    }

    private void writeVoid(Runnable work) {
        write(() -> {
            work.run();
            return null;
        });
    }

    // ---------------------------------------------------------------- projects

    /** A project row. */
    public record Project(long id, String name, String bucket, String prefix) {}

    public Optional<Project> findProject(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name, bucket, prefix FROM projects WHERE name = ?")
                .bind(0, name)
                .map((rs, ctx) -> new Project(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .findOne());
    }

    public List<String> projectNames() {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM projects ORDER BY name").mapTo(String.class)
                .list());
    }

    /** Creates the project if it does not exist (concurrent creators agree), then returns it. */
    public Project createProject(String name, String bucket, String prefix) {
        return write(() -> {
            jdbi.useHandle(h -> h.execute(sql("INSERT INTO projects (name, bucket, prefix, created_at) "
                    + "VALUES (?, ?, ?, NOW_MS) ON CONFLICT (name) DO NOTHING"), name, bucket, prefix));
            return findProject(name).orElseThrow(() -> new SyncException("project " + name + " vanished from "
                    + where + " right after it was created"));
        });
    }

    // ---------------------------------------------------------------- sessions

    /** Marks running sessions of the project without a heartbeat for {@code staleAfterMs} as interrupted. */
    public void markInterrupted(long projectId, long staleAfterMs) {
        writeVoid(() -> {
            jdbi.useHandle(h -> h.execute(sql("UPDATE sync_sessions SET status = 'interrupted', ended_at = heartbeat_at, "
                    + "error = 'no heartbeat: the process ended without closing the session' "
                    + "WHERE project_id = ? AND status = 'running' AND heartbeat_at < NOW_MS - ?"), projectId,
                    staleAfterMs));
        });
    }

    public long startSession(long projectId, String kind, String worker, String source, String configJson,
                             long staleAfterMs) {
        return write(() -> {
            markInterrupted(projectId, staleAfterMs);
            return jdbi.inTransaction(h -> {
                return h.createUpdate(sql("INSERT INTO sync_sessions (project_id, kind, worker, source, status, "
                                + "started_at, heartbeat_at, config) VALUES (?, ?, ?, ?, 'running', NOW_MS, NOW_MS, ?)"))
                        .bind(0, projectId).bind(1, kind).bind(2, worker).bind(3, source).bind(4, configJson)
                        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        });
        });
    }

    public void heartbeat(long sessionId, String worker) {
        writeVoid(() -> {
            jdbi.useTransaction(h -> {
                h.execute(sql("UPDATE sync_sessions SET heartbeat_at = NOW_MS WHERE id = ?"), sessionId);
                h.execute(sql("UPDATE file_uploads SET claimed_at = NOW_MS WHERE claimed_by = ? AND status = 'uploading'"),
                        worker);
        });
        });
    }

    /** Session totals at its end. */
    public record Totals(long totalFiles, long uploaded, long skipped, long failed, long bytesUploaded,
                         long bytesSkipped) {}

    public void endSession(long sessionId, String status, Totals t, String error) {
        writeVoid(() -> {
            jdbi.useHandle(h -> h.execute(sql("UPDATE sync_sessions SET status = ?, ended_at = NOW_MS, "
                            + "heartbeat_at = NOW_MS, total_files = ?, files_uploaded = ?, files_skipped = ?, "
                            + "files_failed = ?, bytes_uploaded = ?, bytes_skipped = ?, error = ? WHERE id = ?"),
                    status, t.totalFiles(), t.uploaded(), t.skipped(), t.failed(), t.bytesUploaded(), t.bytesSkipped(),
                    error, sessionId));
        });
    }

    public void recordTrigger(long sessionId, TriggerOutcome o) {
        writeVoid(() -> {
            jdbi.useHandle(h -> h.execute("UPDATE sync_sessions SET trigger_url = ?, trigger_status = ?, "
                            + "trigger_attempts = ?, trigger_http_status = ?, trigger_error = ?, trigger_at = ? WHERE id = ?",
                    o.url(), o.status(), o.attempts(), o.httpStatus(), o.error(), o.at().toEpochMilli(), sessionId));
        });
    }

    private static final String SESSION_COLUMNS = "s.id, p.name, p.bucket, p.prefix, s.kind, s.worker, s.source, "
            + "s.status, s.started_at, s.ended_at, s.total_files, s.files_uploaded, s.files_skipped, s.files_failed, "
            + "s.bytes_uploaded, s.bytes_skipped, s.config, s.error, s.trigger_url, s.trigger_status, "
            + "s.trigger_attempts, s.trigger_http_status, s.trigger_error, s.trigger_at, s.heartbeat_at";

    private static SessionInfo session(ResultSet rs, long now) throws SQLException {
        TriggerOutcome trig = null;
        if (rs.getString(20) != null) {
            int att = rs.getInt(21);
            int hs = rs.getInt(22);
            Integer http = rs.wasNull() ? null : hs;
            trig = new TriggerOutcome(rs.getString(19), rs.getString(20), att, http, rs.getString(23),
                    Instant.ofEpochMilli(rs.getLong(24)));
        }
        long ended = rs.getLong(10);
        Instant endedAt = rs.wasNull() ? null : Instant.ofEpochMilli(ended);
        String status = rs.getString(8);
        long heartbeat = rs.getLong(25);
        if ("running".equals(status) && now - heartbeat > staleAfter(rs.getString(17))) {
            status = "interrupted";
            endedAt = Instant.ofEpochMilli(heartbeat);
        }
        return new SessionInfo(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), status, Instant.ofEpochMilli(rs.getLong(9)), endedAt,
                rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getLong(16),
                rs.getString(17), rs.getString(18), trig);
    }

    private long dbNow(Handle h) {
        return h.createQuery(sql("SELECT NOW_MS")).mapTo(Long.class).one();
    }

    /**
     * How long a running session may go without a heartbeat before it shows as interrupted: three claim timeouts
     * (heartbeats come every third of one), at least 3 s.
     */
    public static long staleAfter(String configJson) {
        double claimTimeoutS = 60;
        try {
            com.fasterxml.jackson.databind.JsonNode n = Json.MAPPER.readTree(configJson).get("claim_timeout_s");
            if (n != null && n.isNumber()) {
                claimTimeoutS = n.asDouble();
            }
        } catch (Exception e) {
            // keep the default
        }
        return Math.max(3_000L, Math.round(claimTimeoutS * 3_000));
    }

    public Optional<SessionInfo> session(long id) {
        return jdbi.withHandle(h -> {
            long now = dbNow(h);
            return h.createQuery("SELECT " + SESSION_COLUMNS + " FROM sync_sessions s JOIN projects p "
                            + "ON p.id = s.project_id WHERE s.id = ?").bind(0, id)
                    .map((rs, ctx) -> session(rs, now)).findOne();
        });
    }

    public List<SessionInfo> sessions(long projectId, int limit) {
        return jdbi.withHandle(h -> {
            long now = dbNow(h);
            return h.createQuery("SELECT " + SESSION_COLUMNS + " FROM sync_sessions s JOIN projects p "
                            + "ON p.id = s.project_id WHERE s.project_id = ? ORDER BY s.id DESC LIMIT ?")
                    .bind(0, projectId).bind(1, limit)
                    .map((rs, ctx) -> session(rs, now)).list();
        });
    }

    // ---------------------------------------------------------------- config history

    public Optional<String> lastConfig(long projectId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT config FROM config_history WHERE project_id = ? "
                + "ORDER BY id DESC LIMIT 1").bind(0, projectId).mapTo(String.class).findOne());
    }

    public void addConfig(long projectId, long sessionId, String configJson, List<String> changedKeys) {
        writeVoid(() -> {
            jdbi.useHandle(h -> h.execute(sql("INSERT INTO config_history (project_id, session_id, created_at, config, "
                    + "changed_keys) VALUES (?, ?, NOW_MS, ?, ?)"), projectId, sessionId, configJson,
                    String.join(",", changedKeys)));
        });
    }

    public List<ConfigChange> configHistory(long projectId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT session_id, created_at, config, changed_keys FROM "
                        + "config_history WHERE project_id = ? ORDER BY id DESC LIMIT ?").bind(0, projectId)
                .bind(1, limit)
                .map((rs, ctx) -> new ConfigChange(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)),
                        rs.getString(3), rs.getString(4).isEmpty() ? List.of()
                        : Arrays.asList(rs.getString(4).split(","))))
                .list());
    }

    // ---------------------------------------------------------------- files

    /** What the ledger knows of one file, as loaded for the diff against a walk. */
    public record Known(long id, long size, long mtimeNs, String checksum, String status) {}

    /** Streams every file record of the project into {@code sink} (path, record). */
    public void forEachFile(long projectId, java.util.function.BiConsumer<String, Known> sink) {
        jdbi.useHandle(h -> {
            if (dialect == Dialect.POSTGRESQL) {
                h.begin();   // the PostgreSQL driver streams with a fetch size only inside a transaction
            }
            try (var it = h.createQuery("SELECT path, id, size, mtime_ns, checksum, status FROM file_uploads "
                            + "WHERE project_id = ?").bind(0, projectId).setFetchSize(5000)
                    .map((rs, ctx) -> {
                        sink.accept(rs.getString(1), new Known(rs.getLong(2), rs.getLong(3), rs.getLong(4),
                                rs.getString(5), status(rs.getString(6))));
                        return Boolean.TRUE;
                    }).iterator()) {
                while (it.hasNext()) {
                    it.next();
                }
            } finally {
                if (dialect == Dialect.POSTGRESQL) {
                    h.commit();
                }
            }
        });
    }

    private static String status(String s) {
        switch (s) {
            case "pending": return "pending";
            case "uploading": return "uploading";
            case "uploaded": return "uploaded";
            case "failed": return "failed";
            default: return s;
        }
    }

    /** A file the walk found that the ledger does not know. */
    public record NewFile(String path, long size, long mtimeNs, String key, String status, String checksum,
                          int recheck) {}

    /** Inserts unknown files ({@code ON CONFLICT DO NOTHING}: another worker may have inserted them). */
    public void insertFiles(long projectId, long sessionId, List<NewFile> files) {
        writeVoid(() -> {
            if (files.isEmpty()) {
                return;
            }
            jdbi.useTransaction(h -> {
                PreparedBatch b = h.prepareBatch(sql("INSERT INTO file_uploads (project_id, path, size, mtime_ns, s3_key, "
                        + "status, checksum, recheck, attempts, session_id, created_at, updated_at, uploaded_at) VALUES "
                        + "(:p, :path, :size, :mtime, :key, :status, :checksum, :recheck, 0, :s, NOW_MS, NOW_MS, "
                        + "CASE WHEN :status = 'uploaded' THEN NOW_MS ELSE NULL END) "
                        + "ON CONFLICT (project_id, path) DO NOTHING"));
                for (NewFile f : files) {
                    b.bind("p", projectId).bind("path", f.path()).bind("size", f.size()).bind("mtime", f.mtimeNs())
                            .bind("key", f.key()).bind("status", f.status()).bind("checksum", f.checksum())
                            .bind("recheck", f.recheck()).bind("s", sessionId).add();
                }
                b.execute();
        });
        });
    }

    /** A known file that needs uploading (again): changed, failed before, or not confirmed by the store. */
    public record Requeue(long id, long size, long mtimeNs, String key, int recheck) {}

    /** Sets files back to pending with their current size and mtime, unless a worker is uploading them right now. */
    public void requeue(long sessionId, List<Requeue> files) {
        writeVoid(() -> {
            if (files.isEmpty()) {
                return;
            }
            jdbi.useTransaction(h -> {
                PreparedBatch b = h.prepareBatch(sql("UPDATE file_uploads SET status = 'pending', size = :size, "
                        + "mtime_ns = :mtime, s3_key = :key, recheck = :recheck, checksum = NULL, session_id = :s, "
                        + "claimed_by = NULL, claimed_at = NULL, updated_at = NOW_MS "
                        + "WHERE id = :id AND status <> 'uploading'"));
                for (Requeue r : files) {
                    b.bind("size", r.size()).bind("mtime", r.mtimeNs()).bind("key", r.key()).bind("recheck", r.recheck())
                            .bind("s", sessionId).bind("id", r.id()).add();
                }
                b.execute();
        });
        });
    }

    /** Makes every in-flight claim of the project claimable now (SQLite: no other process can hold one). */
    public int expireClaims(long projectId) {
        return write(() -> {
            return jdbi.withHandle(h -> h.execute("UPDATE file_uploads SET claimed_at = 0 WHERE project_id = ? "
                    + "AND status = 'uploading'", projectId));
        });
    }

    /** A claimed file: upload it, or check the store first when {@code recheck} is not 0. */
    public record Claimed(long id, String path, long size, long mtimeNs, int recheck) {}

    /**
     * Claims up to {@code n} files: pending ones, and in-flight ones whose claim is older than {@code timeoutMs}
     * (their worker died; they come back with {@code recheck = 1}: the store may have them). On PostgreSQL, rows
     * another worker is claiming at the same moment are skipped ({@code FOR UPDATE SKIP LOCKED}).
     *
     * @param sessions only files last touched by these sessions, or {@code null} for all
     */
    public List<Claimed> claim(long projectId, String worker, long sessionId, int n, long timeoutMs,
                               List<Long> sessions) {
        return write(() -> {
            String filter = sessions == null ? "" : " AND session_id IN (" + ids(sessions) + ")";
            return jdbi.inTransaction(h -> h.createQuery(sql("UPDATE file_uploads SET "
                            + "recheck = CASE WHEN status = 'uploading' THEN 1 ELSE recheck END, "
                            + "status = 'uploading', claimed_by = :w, claimed_at = NOW_MS, attempts = attempts + 1, "
                            + "session_id = :s, updated_at = NOW_MS WHERE id IN (SELECT id FROM file_uploads "
                            + "WHERE project_id = :p AND (status = 'pending' OR (status = 'uploading' "
                            + "AND claimed_at < NOW_MS - :t))" + filter + " ORDER BY id LIMIT :n SKIP_LOCKED) "
                            + "RETURNING id, path, size, mtime_ns, recheck"))
                    .bind("w", worker).bind("s", sessionId).bind("p", projectId).bind("t", timeoutMs).bind("n", n)
                    .map((rs, ctx) -> new Claimed(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getInt(5)))
                    .list());
        });
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
    public long othersOutstanding(long projectId, String worker, List<Long> sessions) {
        String filter = sessions == null ? "" : " AND session_id IN (" + ids(sessions) + ")";
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM file_uploads WHERE project_id = ? AND "
                        + "(status = 'pending' OR (status = 'uploading' AND claimed_by <> ?))" + filter)
                .bind(0, projectId).bind(1, worker).mapTo(Long.class).one());
    }

    /** One file's result, written in batches. */
    public record Outcome(long id, String status, long size, long mtimeNs, String checksum, String error) {}

    /**
     * Records results, only for files this worker still holds (a claim taken over after a timeout is not
     * overwritten). Returns how many rows were not held any more.
     */
    public int record(String worker, long sessionId, List<Outcome> outcomes) {
        return write(() -> {
            if (outcomes.isEmpty()) {
                return 0;
            }
            return jdbi.inTransaction(h -> {
                PreparedBatch up = h.prepareBatch(sql("UPDATE file_uploads SET status = 'uploaded', size = :size, "
                        + "mtime_ns = :mtime, checksum = :checksum, last_error = NULL, recheck = 0, claimed_by = NULL, "
                        + "claimed_at = NULL, session_id = :s, uploaded_at = NOW_MS, updated_at = NOW_MS "
                        + "WHERE id = :id AND claimed_by = :w AND status = 'uploading'"));
                PreparedBatch fail = h.prepareBatch(sql("UPDATE file_uploads SET status = 'failed', last_error = :error, "
                        + "recheck = 0, claimed_by = NULL, claimed_at = NULL, session_id = :s, updated_at = NOW_MS "
                        + "WHERE id = :id AND claimed_by = :w AND status = 'uploading'"));
                int nUp = 0;
                int nFail = 0;
                for (Outcome o : outcomes) {
                    if ("uploaded".equals(o.status())) {
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
        });
        });
    }

    /** Puts this worker's unfinished claims back (cancel): pending, to be checked against the store first. */
    public int release(String worker) {
        return write(() -> {
            return jdbi.withHandle(h -> h.execute(sql("UPDATE file_uploads SET status = 'pending', recheck = 1, "
                    + "claimed_by = NULL, claimed_at = NULL, updated_at = NOW_MS WHERE claimed_by = ? "
                    + "AND status = 'uploading'"), worker));
        });
    }

    /** Sets failed files with attempts left back to pending for a retry round; returns how many. */
    public int requeueFailed(long projectId, int maxAttempts, List<Long> sessions) {
        return write(() -> {
            String filter = sessions == null ? "" : " AND session_id IN (" + ids(sessions) + ")";
            return jdbi.withHandle(h -> h.execute(sql("UPDATE file_uploads SET status = 'pending', recheck = 1, "
                    + "updated_at = NOW_MS WHERE project_id = ? AND status = 'failed' AND attempts < ?" + filter),
                    projectId, maxAttempts));
        });
    }

    /** Counts of files by status. */
    public Map<String, Long> counts(long projectId) {
        return jdbi.withHandle(h -> {
            Map<String, Long> m = new HashMap<>();
            for (String s : List.of("pending", "uploading", "uploaded", "failed")) {
                m.put(s, 0L);
            }
            h.createQuery("SELECT status, COUNT(*) FROM file_uploads WHERE project_id = ? GROUP BY status")
                    .bind(0, projectId)
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                    .forEach(e -> m.put(e.getKey(), e.getValue()));
            return m;
        });
    }

    /** Failed files, oldest id first, optionally of one session. */
    public List<FailedFile> failures(long projectId, Long sessionId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT path, s3_key, last_error, attempts, session_id, updated_at "
                        + "FROM file_uploads WHERE project_id = ? AND status = 'failed'"
                        + (sessionId == null ? "" : " AND session_id = " + sessionId.longValue())
                        + " ORDER BY id LIMIT ?").bind(0, projectId).bind(1, limit)
                .map((rs, ctx) -> new FailedFile(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        rs.getLong(5), Instant.ofEpochMilli(rs.getLong(6))))
                .list());
    }

    /** One file's whole row, for tests and diagnostics. */
    public record FileRow(long id, String path, long size, long mtimeNs, String checksum, String key, String status,
                          int attempts, String lastError, Long sessionId, String claimedBy) {}

    public List<FileRow> files(long projectId) {
        List<FileRow> out = new ArrayList<>();
        eachRow(projectId, out::add);
        return out;
    }

    private void eachRow(long projectId, Consumer<FileRow> sink) {
        jdbi.useHandle(h -> h.createQuery("SELECT id, path, size, mtime_ns, checksum, s3_key, status, attempts, "
                        + "last_error, session_id, claimed_by FROM file_uploads WHERE project_id = ? ORDER BY path")
                .bind(0, projectId)
                .map((rs, ctx) -> {
                    long sid = rs.getLong(10);
                    Long s = rs.wasNull() ? null : sid;
                    return new FileRow(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getInt(8), rs.getString(9), s, rs.getString(11));
                })
                .forEach(sink));
    }

    /** Runs {@code sql} (tests and tools only). */
    public int execute(String sql, Object... args) {
        return jdbi.withHandle(h -> h.execute(sql, args));
    }

    public String describe() {
        return dialect.name().toLowerCase(Locale.ROOT) + " ledger " + where;
    }

    @Override
    public void close() {
        pool.close();
    }
}
