package io.stowage.sync.internal;

import io.stowage.sync.ConfigChange;
import io.stowage.sync.SessionInfo;
import io.stowage.sync.SessionKind;
import io.stowage.sync.SessionStatus;
import io.stowage.sync.SyncConfig;
import io.stowage.sync.SyncConfigLoader;
import io.stowage.sync.TriggerReport;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of {@code sync_sessions} and {@code config_history}: a session's start, heartbeat, end and trigger, the
 * sessions as {@link SessionInfo}, and each session's recorded configuration.
 *
 * <p>{@code List<SessionInfo> last = db.sessions().list(projectId, 10);}
 *
 * <p>Thread-safe: each call takes a pooled connection.
 */
public final class SessionTable {
    /** How long a session may go without a heartbeat, at least, before it shows as interrupted. */
    private static final long MIN_STALE_MS = 3_000;

    private final LedgerDb db;

    SessionTable(LedgerDb db) {
        this.db = db;
    }

    /**
     * How long a running session may go without a heartbeat before it shows as interrupted: three claim timeouts
     * (heartbeats come every third of one), at least 3 s.
     */
    static long staleAfter(Duration claimTimeout) {
        return Math.max(MIN_STALE_MS, Math.round(claimTimeout.toNanos() * 3 / 1e6));
    }

    /** Marks running sessions of the project without a heartbeat for {@code staleAfterMs} as interrupted. */
    void markInterrupted(long projectId, long staleAfterMs) {
        db.writeVoid(() -> db.jdbi().useHandle(h -> h.execute(db.sql("UPDATE sync_sessions SET status = "
                + "'interrupted', ended_at = heartbeat_at, error = 'no heartbeat: the process ended without closing "
                + "the session' WHERE project_id = ? AND status = 'running' AND heartbeat_at < NOW_MS - ?"),
                projectId, staleAfterMs)));
    }

    /** Records a running session (after marking the project's stale ones interrupted); returns its id. */
    long start(long projectId, SessionKind kind, String worker, String source, String configJson, long staleAfterMs) {
        return db.write(() -> {
            markInterrupted(projectId, staleAfterMs);
            return db.jdbi().inTransaction(h -> h.createUpdate(db.sql("INSERT INTO sync_sessions (project_id, kind, "
                            + "worker, source, status, started_at, heartbeat_at, config) "
                            + "VALUES (?, ?, ?, ?, 'running', NOW_MS, NOW_MS, ?)"))
                    .bind(0, projectId).bind(1, kind.value()).bind(2, worker).bind(3, source).bind(4, configJson)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        });
    }

    /** Renews the session's heartbeat and the worker's claims. */
    void heartbeat(long sessionId, String worker) {
        db.writeVoid(() -> db.jdbi().useTransaction(h -> {
            h.execute(db.sql("UPDATE sync_sessions SET heartbeat_at = NOW_MS WHERE id = ?"), sessionId);
            h.execute(db.sql("UPDATE file_uploads SET claimed_at = NOW_MS WHERE claimed_by = ? "
                    + "AND status = 'uploading'"), worker);
        }));
    }

    /** Session totals at its end. */
    record Totals(long totalFiles, long uploaded, long skipped, long failed, long bytesUploaded, long bytesSkipped) {}

    /** Records the end of a session. */
    void end(long sessionId, SessionStatus status, Totals t, String error) {
        db.writeVoid(() -> db.jdbi().useHandle(h -> h.execute(db.sql("UPDATE sync_sessions SET status = ?, "
                        + "ended_at = NOW_MS, heartbeat_at = NOW_MS, total_files = ?, files_uploaded = ?, "
                        + "files_skipped = ?, files_failed = ?, bytes_uploaded = ?, bytes_skipped = ?, error = ? "
                        + "WHERE id = ?"),
                status.value(), t.totalFiles(), t.uploaded(), t.skipped(), t.failed(), t.bytesUploaded(),
                t.bytesSkipped(), error, sessionId)));
    }

    /** Records a trigger's report on its session. */
    public void recordTrigger(long sessionId, TriggerReport r) {
        db.writeVoid(() -> db.jdbi().useHandle(h -> h.execute("UPDATE sync_sessions SET trigger_url = ?, "
                        + "trigger_status = ?, trigger_attempts = ?, trigger_http_status = ?, trigger_error = ?, "
                        + "trigger_at = ? WHERE id = ?",
                r.url(), r.status().value(), r.attempts(), r.httpStatus(), r.error(), r.at().toEpochMilli(),
                sessionId)));
    }

    private static final String COLUMNS = "s.id, p.name, p.bucket, p.prefix, s.kind, s.worker, s.source, "
            + "s.status, s.started_at, s.ended_at, s.total_files, s.files_uploaded, s.files_skipped, s.files_failed, "
            + "s.bytes_uploaded, s.bytes_skipped, s.config, s.error, s.trigger_url, s.trigger_status, "
            + "s.trigger_attempts, s.trigger_http_status, s.trigger_error, s.trigger_at, s.heartbeat_at";

    private static SessionInfo session(ResultSet rs, long now) throws SQLException {
        TriggerReport trig = null;
        if (rs.getString(20) != null) {
            int att = rs.getInt(21);
            int hs = rs.getInt(22);
            Integer http = rs.wasNull() ? null : hs;
            trig = new TriggerReport(rs.getString(19), TriggerReport.Status.of(rs.getString(20)), att, http,
                    rs.getString(23), Instant.ofEpochMilli(rs.getLong(24)));
        }
        long ended = rs.getLong(10);
        Instant endedAt = rs.wasNull() ? null : Instant.ofEpochMilli(ended);
        SessionStatus status = SessionStatus.of(rs.getString(8));
        long heartbeat = rs.getLong(25);
        String config = rs.getString(17);
        // only a running session without a recent heartbeat needs its claim timeout, from its recorded config
        if (status == SessionStatus.RUNNING && now - heartbeat > MIN_STALE_MS
                && now - heartbeat > staleAfter(claimTimeout(config))) {
            status = SessionStatus.INTERRUPTED;
            endedAt = Instant.ofEpochMilli(heartbeat);
        }
        return new SessionInfo(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), SessionKind.of(rs.getString(5)),
                rs.getString(6), rs.getString(7), status, Instant.ofEpochMilli(rs.getLong(9)), endedAt,
                rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getLong(16),
                config, rs.getString(18), trig);
    }

    private static Duration claimTimeout(String configJson) {
        try {
            return SyncConfigLoader.fromJson(configJson).claimTimeout();
        } catch (RuntimeException e) {
            return SyncConfig.defaults().claimTimeout();
        }
    }

    private long dbNow(Handle h) {
        return h.createQuery(db.sql("SELECT NOW_MS")).mapTo(Long.class).one();
    }

    /** One session, if there is one with that id. */
    public Optional<SessionInfo> find(long id) {
        return db.jdbi().withHandle(h -> {
            long now = dbNow(h);
            return h.createQuery("SELECT " + COLUMNS + " FROM sync_sessions s JOIN projects p "
                            + "ON p.id = s.project_id WHERE s.id = ?").bind(0, id)
                    .map((rs, ctx) -> session(rs, now)).findOne();
        });
    }

    /** The project's newest sessions first. */
    public List<SessionInfo> list(long projectId, int limit) {
        return db.jdbi().withHandle(h -> {
            long now = dbNow(h);
            return h.createQuery("SELECT " + COLUMNS + " FROM sync_sessions s JOIN projects p "
                            + "ON p.id = s.project_id WHERE s.project_id = ? ORDER BY s.id DESC LIMIT ?")
                    .bind(0, projectId).bind(1, limit)
                    .map((rs, ctx) -> session(rs, now)).list();
        });
    }

    // ---------------------------------------------------------------- config history

    /** The configuration the project's newest history entry records, as JSON. */
    Optional<String> lastConfig(long projectId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT config FROM config_history WHERE project_id = ? "
                + "ORDER BY id DESC LIMIT 1").bind(0, projectId).mapTo(String.class).findOne());
    }

    /** Adds a config history entry. */
    void addConfig(long projectId, long sessionId, String configJson, List<String> changedKeys) {
        db.writeVoid(() -> db.jdbi().useHandle(h -> h.execute(db.sql("INSERT INTO config_history (project_id, "
                        + "session_id, created_at, config, changed_keys) VALUES (?, ?, NOW_MS, ?, ?)"),
                projectId, sessionId, configJson, String.join(",", changedKeys))));
    }

    /** The project's config history, newest first. */
    public List<ConfigChange> configHistory(long projectId, int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT session_id, created_at, config, changed_keys FROM "
                        + "config_history WHERE project_id = ? ORDER BY id DESC LIMIT ?").bind(0, projectId)
                .bind(1, limit)
                .map((rs, ctx) -> new ConfigChange(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)),
                        rs.getString(3), rs.getString(4).isEmpty() ? List.of()
                        : Arrays.asList(rs.getString(4).split(","))))
                .list());
    }
}
