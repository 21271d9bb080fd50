package io.stowage.sync;

import io.stowage.s3.ParallelUploader;
import io.stowage.s3.S3IoException;
import io.stowage.s3.S3Location;
import io.stowage.s3.TransferListener;
import io.stowage.s3.UploadOptions;
import io.stowage.sync.internal.LedgerDb;
import io.stowage.sync.internal.LedgerUploads;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

/**
 * The ledgered, resumable, multi-worker upload: walks the folder, diffs it with the ledger (files recorded as
 * uploaded with the same size and mtime are skipped without any S3 request), registers new and changed files in
 * batches, then claims batches of pending files from the ledger and feeds them to s3-io's {@link ParallelUploader},
 * whose skip decision and listener it implements with the ledger.
 *
 * <pre>{@code
 * try (SyncLedger ledger = SyncLedger.open("jdbc:postgresql://db:5432/stowage?user=up");
 *      S3Client s3 = S3Settings.forEndpoint(endpoint).newClient()) {
 *     SyncConfig c = SyncConfigLoader.load(null, System.getenv(), Map.of("project", "photos",
 *             "source", "/mnt/photos", "bucket", "media", "prefix", "day1",
 *             "state", "jdbc:postgresql://db:5432/stowage?user=up"));
 *     SyncReport r = SyncUploader.builder(ledger, s3).build().upload(c);
 * }
 * }</pre>
 *
 * <p>Resume: a file is claimed ({@code uploading}) before it is sent and recorded {@code uploaded} only after the
 * store confirmed it, so after a crash ({@code kill -9}) the next run finds every unfinished file; those that were in
 * flight are first checked against the store with a HEAD request and their MD5, so a complete object is not sent
 * again. SQLite ledgers take one process at a time (an OS file lock), so a run takes over a crashed run's claims
 * at once; on PostgreSQL, claims are renewed by a heartbeat and a claim not renewed for {@code claim_timeout_s}
 * returns to the pool, so many processes (on many machines) share one project without uploading a file twice.
 *
 * <p>Thread-safety: one {@code upload} or {@code retry} at a time per instance; {@link #cancel()} may be called from
 * any thread (a shutdown hook): the run stops promptly, records what finished and puts its other claims back.
 */
public final class SyncUploader {
    /** With at least this many files unknown to the ledger, the prefix is listed once instead of a HEAD per file. */
    static final int LIST_THRESHOLD = 1000;

    private final SyncLedger ledger;
    private final String worker;
    private final LedgerUploads uploads;

    private SyncUploader(Builder b) {
        this.ledger = b.ledger;
        this.worker = b.worker != null ? b.worker : defaultWorker();
        this.uploads = new LedgerUploads(b.ledger.db(), b.s3, b.options, b.listener, worker, b.listThreshold);
    }

    /** A builder over a ledger and a client the caller owns (and closes). */
    public static Builder builder(SyncLedger ledger, S3Client s3) {
        return new Builder(ledger, s3);
    }

    private static String defaultWorker() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This process's worker id, as recorded in claims and sessions. */
    public String worker() {
        return worker;
    }

    /** Stops the running upload or retry promptly; it returns a report with status cancelled. */
    public void cancel() {
        uploads.cancel();
    }

    /**
     * Uploads {@code config.source()} to {@code s3://bucket/prefix} under project {@code config.project()}, creating
     * the project on first use. Which files: {@code config.include()}, {@code exclude()} and {@code extensions()}.
     *
     * @throws SyncConfigException     a missing or bad setting, a missing folder, or a project that belongs to
     *                                 another bucket or prefix (before anything is uploaded)
     * @throws SyncLedgerBusyException another process uses the SQLite ledger
     * @throws S3IoException           the prefix could not be listed when a listing was needed
     * @throws SyncException           the ledger failed during the run (the session is recorded as failed)
     */
    public synchronized SyncReport upload(SyncConfig config) {
        config.requireUploadable();
        S3Location target = S3Location.of(config.bucket(), config.prefix());
        Path root = config.source().toAbsolutePath().normalize();
        LedgerDb db = ledger.db();
        LedgerDb.Project p = db.findProject(config.project())
                .orElseGet(() -> db.createProject(config.project(), target.bucket(), target.prefix()));
        if (!p.bucket().equals(target.bucket()) || !p.prefix().equals(target.prefix())) {
            throw new SyncConfigException("project '" + p.name() + "' uploads to "
                    + S3Location.of(p.bucket(), p.prefix()) + " (recorded in the ledger " + db.where()
                    + "), not " + target + "; use that target or another project name", "bucket");
        }
        return uploads.upload(config, p, root);
    }

    /**
     * Retries the project's failed files (of session {@code sessionId} only, when given) in rounds with doubling
     * pauses ({@code retry_backoff_s}); a file that has used {@code max_attempts} attempts stays {@code failed}
     * with its last error. The folder is {@code config.source()}, or the one of the project's newest session.
     *
     * @throws SyncProjectNotFoundException  no such project
     * @throws SyncSessionNotFoundException  {@code sessionId} is not a session of the project
     * @throws SyncConfigException           no usable source folder
     */
    public synchronized SyncReport retry(SyncConfig config, Long sessionId) {
        config.requireLedger();
        LedgerDb db = ledger.db();
        LedgerDb.Project project = ledger.project(config.project());
        if (sessionId != null) {
            SessionInfo s = ledger.session(sessionId);
            if (!s.project().equals(project.name())) {
                throw new SyncSessionNotFoundException("session " + sessionId + " belongs to project '"
                        + s.project() + "', not '" + project.name() + "'", sessionId);
            }
        }
        Path source = config.source();
        if (source == null) {
            source = db.sessions().list(project.id(), 50).stream().filter(s -> s.source() != null)
                    .map(s -> Path.of(s.source())).findFirst()
                    .orElseThrow(() -> new SyncConfigException("no source folder recorded for project '"
                            + project.name() + "'; give the folder (--source DIR)", "source"));
        }
        if (!Files.isDirectory(source)) {
            throw new SyncConfigException("source folder " + source + (Files.exists(source) ? " is not a folder"
                    : " does not exist") + "; give the folder the files are in (--source DIR)", "source");
        }
        Path root = source.toAbsolutePath().normalize();
        SyncConfig effective = config.withSource(root).withTarget(project.bucket(), project.prefix());
        return uploads.retry(effective, project, root, sessionId);
    }

    /** Configures a {@link SyncUploader}. Not thread-safe. */
    public static final class Builder {
        private final SyncLedger ledger;
        private final S3Client s3;
        private UploadOptions options = UploadOptions.defaults();
        private TransferListener listener = TransferListener.none();
        private String worker;
        private int listThreshold = LIST_THRESHOLD;

        private Builder(SyncLedger ledger, S3Client s3) {
            this.ledger = Objects.requireNonNull(ledger, "ledger");
            this.s3 = Objects.requireNonNull(s3, "s3");
        }

        /**
         * The uploader's options (multipart, retries, links); {@code workers} and the file selection
         * ({@code include}, {@code exclude}, {@code extensions}) come from the {@link SyncConfig}.
         */
        public Builder uploadOptions(UploadOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Hears progress and every file outcome (after the ledger has queued it). */
        public Builder listener(TransferListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The worker id recorded on claims and sessions; default {@code host/pid/random}. */
        public Builder worker(String worker) {
            this.worker = Objects.requireNonNull(worker, "worker");
            return this;
        }

        /** With at least this many unknown files, list the prefix instead of a HEAD per file (tests). */
        Builder listThreshold(int n) {
            this.listThreshold = n;
            return this;
        }

        public SyncUploader build() {
            return new SyncUploader(this);
        }
    }
}
