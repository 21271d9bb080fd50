package io.stowage.sync;

import io.stowage.sync.internal.FileStatus;
import io.stowage.sync.internal.LedgerDb;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The sync ledger: projects, upload sessions, one record per file (size, mtime, checksum, key, status
 * {@code pending|uploading|uploaded|failed}, attempts, last error) and every run's configuration, on SQLite (a file;
 * one process at a time) or PostgreSQL (many worker processes). The schema is versioned and migrated on open; a
 * ledger written by a newer Stowage is refused with {@link SyncLedgerSchemaException}.
 *
 * <pre>{@code
 * try (SyncLedger ledger = SyncLedger.open("stowage.db");                       // or jdbc:postgresql://db/stowage
 *      S3Client s3 = S3Settings.forEndpoint(endpoint).newClient()) {
 *     SyncReport r = SyncUploader.builder(ledger, s3).build()
 *             .upload(SyncConfig.defaults().withProject("photos", "stowage.db")
 *                     .withSource(Path.of("photos")).withTarget("media", "day1"));
 *     ProjectStatus s = ledger.status("photos");
 * }
 * }</pre>
 *
 * <p>Thread-safe: every call takes a pooled connection. Close it to release the pool.
 */
public final class SyncLedger implements AutoCloseable {
    private final LedgerDb db;

    private SyncLedger(LedgerDb db) {
        this.db = db;
    }

    /**
     * Opens the ledger at {@code state}: a file path or {@code jdbc:sqlite:PATH} (created if missing) or
     * {@code jdbc:postgresql://HOST:PORT/DB?user=NAME} (the tables are created in the connection's schema).
     *
     * @throws SyncConfigException        if the URL is not one of these
     * @throws SyncLedgerUnavailableException if the database cannot be reached or read
     * @throws SyncLedgerSchemaException      if it was written by a newer Stowage
     */
    public static SyncLedger open(String state) {
        return open(state, 8);
    }

    /** {@link #open(String)} with a connection pool of {@code poolSize} (PostgreSQL; SQLite uses up to 4). */
    public static SyncLedger open(String state, int poolSize) {
        return new SyncLedger(LedgerDb.open(state, poolSize));
    }

    /**
     * Opens an existing ledger, never creating one: what reading commands ({@code sync status}) and commands on
     * recorded work ({@code sync retry}, {@code sync trigger}) use, so a mistyped {@code --state} leaves no new,
     * empty ledger behind.
     *
     * <p>{@code try (SyncLedger l = SyncLedger.openExisting("stowage.db", 2)) { l.status("photos"); }}
     *
     * @throws SyncLedgerNotFoundException if there is no SQLite file there, or no Stowage tables in the database
     * @throws SyncConfigException            if the URL is not one of the accepted forms
     * @throws SyncLedgerUnavailableException if the database cannot be reached or read
     * @throws SyncLedgerSchemaException      if it was written by a newer Stowage
     */
    public static SyncLedger openExisting(String state, int poolSize) {
        return new SyncLedger(LedgerDb.open(state, poolSize, false));
    }

    /** {@link #openExisting(String, int)} with a pool of 2 connections. */
    public static SyncLedger openExisting(String state) {
        return openExisting(state, 2);
    }

    LedgerDb db() {
        return db;
    }

    /** The ledger as shown in messages: the SQLite file or the PostgreSQL URL without password. */
    public String where() {
        return db.where();
    }

    /** Whether this is a PostgreSQL ledger (many workers) rather than SQLite (one process). */
    public boolean isShared() {
        return db.sqliteFile() == null;
    }

    /** The schema version of the ledger. */
    public int schemaVersion() {
        return db.schemaVersion();
    }

    /** The project names, sorted. */
    public List<String> projects() {
        return db.projectNames();
    }

    LedgerDb.Project project(String name) {
        Objects.requireNonNull(name, "name");
        return db.findProject(name).orElseThrow(() -> {
            List<String> known = db.projectNames();
            return new SyncProjectNotFoundException("no project '" + name + "' in the ledger " + db.where()
                    + (known.isEmpty() ? " (it has no projects yet; an upload with --project creates one)"
                    : "; known projects: " + String.join(", ", known.size() > 20 ? known.subList(0, 20) : known)),
                    name);
        });
    }

    /**
     * The project's counts by status and up to {@code failureLimit} failed files with their last error.
     *
     * @throws SyncProjectNotFoundException if there is no such project
     */
    public ProjectStatus status(String project, int failureLimit) {
        LedgerDb.Project p = project(project);
        Map<FileStatus, Long> c = db.files().counts(p.id());
        List<SessionInfo> last = db.sessions().list(p.id(), 1);
        return new ProjectStatus(p.name(), p.bucket(), p.prefix(), c.get(FileStatus.UPLOADED),
                c.get(FileStatus.PENDING), c.get(FileStatus.UPLOADING), c.get(FileStatus.FAILED),
                db.files().failures(p.id(), null, failureLimit),
                last.isEmpty() ? null : last.get(0));
    }

    /** {@link #status(String, int)} with up to 1,000 failures. */
    public ProjectStatus status(String project) {
        return status(project, 1000);
    }

    /** The project's newest sessions first. */
    public List<SessionInfo> sessions(String project, int limit) {
        return db.sessions().list(project(project).id(), limit);
    }

    /**
     * One session.
     *
     * @throws SyncSessionNotFoundException if there is none with that id
     */
    public SessionInfo session(long id) {
        return db.sessions().find(id).orElseThrow(() -> new SyncSessionNotFoundException("no session " + id + " in the ledger "
                + db.where(), id));
    }

    /** Failed files of the project (of one session when {@code sessionId} is given), oldest first. */
    public List<FailedFile> failures(String project, Long sessionId, int limit) {
        return db.files().failures(project(project).id(), sessionId, limit);
    }

    /** The project's configuration history, newest first. */
    public List<ConfigChange> configHistory(String project, int limit) {
        return db.sessions().configHistory(project(project).id(), limit);
    }

    /**
     * POSTs the summary of session {@code sessionId} to {@code url} and records the report on the session.
     *
     * @throws SyncSessionNotFoundException if there is no such session
     */
    public TriggerReport trigger(long sessionId, URI url, Duration timeout, int attempts) {
        return trigger(sessionId, SyncTrigger.create(url, timeout, attempts));
    }

    /** {@link #trigger(long, URI, Duration, int)} with a configured trigger. */
    public TriggerReport trigger(long sessionId, SyncTrigger trigger) {
        SessionInfo s = session(sessionId);
        TriggerReport r = trigger.send(s);
        db.sessions().recordTrigger(sessionId, r);
        return r;
    }

    /** Closes the connection pool. */
    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return db.describe();
    }

    /** For callers in this module's internals and tests: {@link Optional} access to a project id. */
    Optional<Long> projectId(String name) {
        return db.findProject(name).map(LedgerDb.Project::id);
    }
}
