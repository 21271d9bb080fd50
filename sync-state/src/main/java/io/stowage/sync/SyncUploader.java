package io.stowage.sync;

import io.stowage.s3.FileReport;
import io.stowage.s3.LocalFile;
import io.stowage.s3.ParallelUploader;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3IoException;
import io.stowage.s3.S3Location;
import io.stowage.s3.SkipPolicy;
import io.stowage.s3.TransferListener;
import io.stowage.s3.TransferProgress;
import io.stowage.s3.TransferReport;
import io.stowage.s3.UploadOptions;
import io.stowage.sync.internal.Dialect;
import io.stowage.sync.internal.Etags;
import io.stowage.sync.internal.Json;
import io.stowage.sync.internal.LedgerDb;
import io.stowage.sync.internal.OutcomeWriter;
import io.stowage.sync.internal.ProcessLock;
import io.stowage.sync.internal.TreeWalker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ledgered, resumable, multi-worker upload: walks the folder, diffs it with the ledger (files recorded as
 * uploaded with the same size and mtime are skipped without any S3 request), registers new and changed files in
 * batches, then claims batches of pending files from the ledger and feeds them to s3-io's {@link ParallelUploader},
 * whose skip decision and listener this class implements with the ledger.
 *
 * <pre>{@code
 * try (SyncLedger ledger = SyncLedger.open("jdbc:postgresql://db:5432/stowage?user=up");
 *      S3Client s3 = S3Settings.forEndpoint(endpoint).newClient()) {
 *     SyncConfig c = SyncConfig.load(null, System.getenv(), Map.of("project", "photos", "source", "/mnt/photos",
 *             "bucket", "media", "prefix", "day1", "state", "jdbc:postgresql://db:5432/stowage?user=up"));
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
    private static final Logger LOG = LoggerFactory.getLogger(SyncUploader.class);
    /** With at least this many files unknown to the ledger, the prefix is listed once instead of a HEAD per file. */
    static final int LIST_THRESHOLD = 1000;
    private final int listThreshold;

    private final SyncLedger ledger;
    private final S3Client s3;
    private final UploadOptions baseOptions;
    private final TransferListener listener;
    private final String worker;
    private volatile ParallelUploader running;
    private volatile boolean cancelled;

    private SyncUploader(Builder b) {
        this.ledger = b.ledger;
        this.s3 = b.s3;
        this.baseOptions = b.options;
        this.listener = b.listener;
        this.worker = b.worker != null ? b.worker : defaultWorker();
        this.listThreshold = b.listThreshold;
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

    /** Stops the running upload or retry promptly; it returns a report with {@code cancelled} set. */
    public void cancel() {
        cancelled = true;
        ParallelUploader u = running;
        if (u != null) {
            u.cancel();
        }
    }

    // ------------------------------------------------------------------------------------------------ upload

    /**
     * Uploads {@code config.source()} to {@code s3://bucket/prefix} under project {@code config.project()}, creating
     * the project on first use.
     *
     * @throws SyncConfigException        a missing or bad setting, a missing folder, or a project that belongs to
     *                                    another bucket or prefix (before anything is uploaded)
     * @throws LedgerBusyException        another process uses the SQLite ledger
     * @throws S3IoException              the prefix could not be listed when a listing was needed
     * @throws SyncException              the ledger failed during the run (the session is recorded as failed)
     */
    public synchronized SyncReport upload(SyncConfig config) {
        config.requireUploadable();
        cancelled = false;
        S3Location target = S3Location.of(config.bucket(), config.prefix());
        Path root = config.source().toAbsolutePath().normalize();
        LedgerDb db = ledger.db();
        LedgerDb.Project project = projectFor(db, config, target);
        UploadOptions options = baseOptions.withWorkers(config.workers());
        try (ProcessLock lock = db.sqliteFile() == null ? null : ProcessLock.acquire(db.sqliteFile())) {
            Run run = new Run(db, project, config, options, target, root, "upload", null);
            return run.execute(() -> {
                if (db.dialect() == Dialect.SQLITE) {
                    int n = db.expireClaims(project.id());
                    if (n > 0) {
                        LOG.info("{} file(s) were in flight when an earlier run stopped; checking them against "
                                + "the store before sending", n);
                    }
                }
                run.plan();
                run.uploadClaimed(null);
            });
        }
    }

    private LedgerDb.Project projectFor(LedgerDb db, SyncConfig config, S3Location target) {
        LedgerDb.Project p = db.findProject(config.project())
                .orElseGet(() -> db.createProject(config.project(), target.bucket(), target.prefix()));
        if (!p.bucket().equals(target.bucket()) || !p.prefix().equals(target.prefix())) {
            throw new SyncConfigException("project '" + p.name() + "' uploads to "
                    + S3Location.of(p.bucket(), p.prefix()) + " (recorded in the ledger " + db.where()
                    + "), not " + target + "; use that target or another project name", "bucket");
        }
        return p;
    }

    // ------------------------------------------------------------------------------------------------ retry

    /**
     * Retries the project's failed files (of session {@code sessionId} only, when given) in rounds with doubling
     * pauses ({@code retry_backoff_s}); a file that has used {@code max_attempts} attempts stays {@code failed}
     * with its last error. The folder is {@code config.source()}, or the one of the project's newest session.
     *
     * @throws ProjectNotFoundException  no such project
     * @throws SessionNotFoundException  {@code sessionId} is not a session of the project
     * @throws SyncConfigException       no usable source folder
     */
    public synchronized SyncReport retry(SyncConfig config, Long sessionId) {
        config.requireLedger();
        cancelled = false;
        LedgerDb db = ledger.db();
        LedgerDb.Project project = ledger.project(config.project());
        if (sessionId != null) {
            SessionInfo s = ledger.session(sessionId);
            if (!s.project().equals(project.name())) {
                throw new SessionNotFoundException("session " + sessionId + " belongs to project '" + s.project()
                        + "', not '" + project.name() + "'", sessionId);
            }
        }
        Path source = config.source();
        if (source == null) {
            source = db.sessions(project.id(), 50).stream().filter(s -> s.source() != null).map(s -> Path.of(s.source()))
                    .findFirst().orElseThrow(() -> new SyncConfigException("no source folder recorded for project '"
                            + project.name() + "'; give the folder (--source DIR)", "source"));
        }
        if (!Files.isDirectory(source)) {
            throw new SyncConfigException("source folder " + source + (Files.exists(source) ? " is not a folder"
                    : " does not exist") + "; give the folder the files are in (--source DIR)", "source");
        }
        Path root = source.toAbsolutePath().normalize();
        S3Location target = S3Location.of(project.bucket(), project.prefix());
        SyncConfig effective = config.withSource(root).withTarget(project.bucket(), project.prefix());
        UploadOptions options = baseOptions.withWorkers(config.workers());
        try (ProcessLock lock = db.sqliteFile() == null ? null : ProcessLock.acquire(db.sqliteFile())) {
            Run run = new Run(db, project, effective, options, target, root, "retry", sessionId);
            return run.execute(() -> {
                if (db.dialect() == Dialect.SQLITE) {
                    db.expireClaims(project.id());
                }
                List<Long> filter = sessionId == null ? null : List.of(sessionId, run.sessionId);
                Duration pause = config.retryBackoff();
                for (int round = 1; round <= config.maxAttempts() && !cancelled; round++) {
                    int n = db.requeueFailed(project.id(), config.maxAttempts(), filter);
                    if (n == 0) {
                        break;
                    }
                    if (round > 1) {
                        LOG.info("retry round {}: {} file(s), after {} ms", round, n, pause.toMillis());
                        sleep(pause);
                        pause = pause.multipliedBy(2);
                        if (pause.compareTo(Duration.ofMinutes(5)) > 0) {
                            pause = Duration.ofMinutes(5);
                        }
                    } else {
                        LOG.info("retry round 1: {} file(s)", n);
                    }
                    run.totalFiles += n;
                    run.uploadClaimed(filter);
                }
            });
        }
    }

    private void sleep(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (!cancelled && System.nanoTime() < end) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ one run

    /** A claimed file between its claim and its recorded outcome. */
    private static final class InFlight {
        final LedgerDb.Claimed claim;
        volatile long size;
        volatile long mtimeNs;
        volatile String storedETag;

        InFlight(LedgerDb.Claimed claim) {
            this.claim = claim;
            this.size = claim.size();
            this.mtimeNs = claim.mtimeNs();
        }
    }

    private interface Body {
        void run() throws IOException;
    }

    private final class Run {
        final LedgerDb db;
        final LedgerDb.Project project;
        final SyncConfig config;
        final UploadOptions options;
        final S3Location target;
        final Path root;
        final String kind;
        final Long retrySession;
        long sessionId;
        final Instant startedAt = Instant.now();
        final long t0 = System.nanoTime();
        long totalFiles;
        long unchanged;
        long unchangedBytes;
        long newFiles;
        long changed;
        long foundInStore;
        long foundBytes;
        long listRequests;
        final AtomicLong headRequests = new AtomicLong();
        long uploaded;
        long skippedByUploader;
        long failed;
        long bytesUploaded;
        long bytesSkippedByUploader;
        int rounds;
        boolean runCancelled;
        final List<TransferReport.Failure> failures = new ArrayList<>();
        final Map<String, Path> localNames = new HashMap<>();
        final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
        OutcomeWriter writer;
        long ledgerRows;

        Run(LedgerDb db, LedgerDb.Project project, SyncConfig config, UploadOptions options, S3Location target,
            Path root, String kind, Long retrySession) {
            this.db = db;
            this.project = project;
            this.config = config;
            this.options = options;
            this.target = target;
            this.root = root;
            this.kind = kind;
            this.retrySession = retrySession;
        }

        SyncReport execute(Body body) {
            Map<String, Object> cfg = config.toMap();
            String cfgJson = Json.write(cfg);
            long stale = db.dialect() == Dialect.SQLITE ? 0 : LedgerDb.staleAfter(cfgJson);
            sessionId = db.startSession(project.id(), kind, worker, root.toString(), cfgJson, stale);
            recordConfig(cfg, cfgJson);
            LOG.info("{} session {} of project '{}': {} -> {} ({}, worker {})", kind, sessionId, project.name(), root,
                    target, db.describe(), worker);
            ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "stowage-ledger-heartbeat");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(50, config.claimTimeout().toMillis() / 3);
            beat.scheduleWithFixedDelay(() -> {
                try {
                    db.heartbeat(sessionId, worker);
                } catch (RuntimeException e) {
                    LOG.warn("ledger heartbeat failed: {}", e.toString());
                }
            }, every, every, TimeUnit.MILLISECONDS);
            writer = new OutcomeWriter(db, worker, sessionId);
            String error = null;
            try {
                body.run();
            } catch (CancelledWalk e) {
                runCancelled = true;
            } catch (IOException e) {
                error = "cannot walk " + root + ": " + e.getMessage();
                throw new SyncException(error, e);
            } catch (RuntimeException e) {
                error = e.getMessage() == null ? e.toString() : e.getMessage();
                throw e;
            } finally {
                writer.close();
                ledgerRows += writer.written();
                beat.shutdownNow();
                try {
                    int released = db.release(worker);
                    if (released > 0) {
                        LOG.info("put {} unfinished claim(s) back", released);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("could not put unfinished claims back ({}); they return after claim_timeout_s",
                            e.toString());
                }
                String status = error != null ? "failed" : runCancelled || cancelled ? "cancelled"
                        : failed > 0 ? "partial" : "completed";
                try {
                    if (db.dialect() == Dialect.POSTGRESQL) {
                        db.markInterrupted(project.id(), LedgerDb.staleAfter(cfgJson));
                    }
                    db.endSession(sessionId, status, new LedgerDb.Totals(totalFiles, uploaded,
                            unchanged + foundInStore + skippedByUploader, failed, bytesUploaded,
                            unchangedBytes + foundBytes + bytesSkippedByUploader), error);
                } catch (RuntimeException e) {
                    LOG.error("could not close session {} in the ledger: {}", sessionId, e.toString());
                }
            }
            TriggerOutcome trig = null;
            if (config.triggerUrl() != null) {
                trig = ledger.trigger(sessionId, SyncTrigger.create(config.triggerUrl(), config.triggerTimeout(),
                        config.triggerAttempts()));
            }
            if (writer.lost() > 0) {
                LOG.error("{} result(s) could not be written to the ledger; the next run checks them against the store",
                        writer.lost());
            }
            String status = runCancelled || cancelled ? "cancelled" : failed > 0 ? "partial" : "completed";
            return new SyncReport(sessionId, project.name(), kind, status, totalFiles, unchanged, newFiles, changed,
                    foundInStore, uploaded, unchanged + foundInStore + skippedByUploader, failed, bytesUploaded,
                    unchangedBytes + foundBytes + bytesSkippedByUploader, listRequests, headRequests.get(), rounds,
                    ledgerRows, startedAt, Duration.ofNanos(System.nanoTime() - t0), runCancelled || cancelled,
                    failures, trig);
        }

        private void recordConfig(Map<String, Object> cfg, String cfgJson) {
            List<String> changedKeys = new ArrayList<>();
            Map<String, Object> previous = db.lastConfig(project.id()).map(j -> {
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = Json.MAPPER.readValue(j, LinkedHashMap.class);
                    return m;
                } catch (IOException e) {
                    return Map.<String, Object>of();
                }
            }).orElse(null);
            Map<String, Object> now;
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = Json.MAPPER.readValue(cfgJson, LinkedHashMap.class);
                now = m;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (Map.Entry<String, Object> e : now.entrySet()) {
                if (previous == null || !Objects.equals(previous.get(e.getKey()), e.getValue())) {
                    changedKeys.add(e.getKey());
                }
            }
            db.addConfig(project.id(), sessionId, cfgJson, changedKeys);
            if (previous != null && !changedKeys.isEmpty()) {
                LOG.info("configuration of project '{}' changed since the last session: {}", project.name(),
                        changedKeys);
            }
        }

        /** Walk + ledger diff + batched registration; no S3 request unless files are unknown or --check-remote. */
        void plan() throws IOException {
            long p0 = System.nanoTime();
            // the ledger is read on another thread while this one walks the folder; the diff follows
            ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "stowage-ledger-read");
                t.setDaemon(true);
                return t;
            });
            AtomicLong readNanos = new AtomicLong();
            Future<Map<String, LedgerDb.Known>> loading = reader.submit(() -> {
                Map<String, LedgerDb.Known> m = new HashMap<>();
                db.forEachFile(project.id(), m::put);
                readNanos.set(System.nanoTime() - p0);
                return m;
            });
            reader.shutdown();
            List<Walked> walked = new ArrayList<>();
            List<String> walkProblems = new ArrayList<>();
            try {
                int threads = Math.max(2, Math.min(8, 2 * Runtime.getRuntime().availableProcessors()));
                new TreeWalker(root, options).walkParallel(new TreeWalker.Visitor() {
                    @Override
                    public void file(Path file, String rel, boolean renamed, long size, long mtimeNs) {
                        if (cancelled) {
                            throw new CancelledWalk();
                        }
                        walked.add(new Walked(rel, renamed ? file : null, size, mtimeNs));
                    }

                    @Override
                    public void problem(String rel, String reason) {
                        walkProblems.add(rel + ": " + reason);
                        failures.add(new TransferReport.Failure(rel, null, reason));
                    }
                }, threads);
            } catch (RuntimeException | IOException e) {
                loading.cancel(true);
                throw e;
            }
            long pw = System.nanoTime();
            Map<String, LedgerDb.Known> known;
            try {
                known = loading.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SyncException("interrupted while reading the ledger", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                throw c instanceof RuntimeException re ? re : new SyncException("cannot read the ledger "
                        + db.where() + ": " + c, c);
            }
            long p1 = System.nanoTime();
            List<LedgerDb.NewFile> unknown = new ArrayList<>();
            List<LedgerDb.Requeue> requeue = new ArrayList<>();
            List<Object[]> verify = new ArrayList<>();      // {Path, rel, size, mtime, Known}
            List<Object[]> confirm = new ArrayList<>();     // {rel, size, Known} for --check-remote
            TreeWalker.Visitor differ = new TreeWalker.Visitor() {
                @Override
                public void file(Path file, String rel, boolean renamed, long size, long mtimeNs) {
                    totalFiles++;
                    if (renamed) {
                        localNames.put(rel, file);
                    }
                    LedgerDb.Known k = known.remove(rel);
                    if (k == null) {
                        unknown.add(new LedgerDb.NewFile(rel, size, mtimeNs, target.key(rel), "pending", null, 2));
                        return;
                    }
                    boolean same = k.size() == size && k.mtimeNs() == mtimeNs;
                    if (same && "uploaded".equals(k.status()) && !config.verifyChecksums() && !config.checkRemote()) {
                        unchanged++;   // the hot path of a re-run: nothing else to do
                        unchangedBytes += size;
                        return;
                    }
                    String key = target.key(rel);
                    switch (k.status()) {
                        case "uploaded":
                            if (!same) {
                                requeue.add(new LedgerDb.Requeue(k.id(), size, mtimeNs, key, 0));
                                changed++;
                            } else if (config.verifyChecksums()) {
                                verify.add(new Object[] {file != null ? file : root.resolve(rel), rel, size, mtimeNs,
                                    k});
                            } else if (config.checkRemote()) {
                                confirm.add(new Object[] {rel, size, k});
                            } else {
                                unchanged++;
                                unchangedBytes += size;
                            }
                            break;
                        case "failed":
                            requeue.add(new LedgerDb.Requeue(k.id(), size, mtimeNs, key, 1));
                            changed++;
                            break;
                        case "pending":
                            if (!same) {
                                requeue.add(new LedgerDb.Requeue(k.id(), size, mtimeNs, key, 2));
                            }
                            break;
                        default:
                            break;   // uploading: claimed by a worker now, or taken over after its claim times out
                    }
                }

                @Override
                public void problem(String rel, String reason) {
                    // reported by the walk above
                }
            };
            for (Walked w : walked) {
                differ.file(w.renamedFile(), w.rel(), w.renamedFile() != null, w.size(), w.mtimeNs());
            }
            walked.clear();
            long p2 = System.nanoTime();
            if (!walkProblems.isEmpty()) {
                LOG.warn("{} entries could not be read during the walk, e.g. {}", walkProblems.size(),
                        walkProblems.get(0));
                failed += walkProblems.size();
            }
            if (!verify.isEmpty()) {
                verifyChecksums(verify, requeue, confirm);
            }
            newFiles = unknown.size();
            Map<String, RemoteObject> remote = null;
            if (config.checkRemote() || unknown.size() >= listThreshold) {
                remote = listPrefix();
            }
            if (remote != null) {
                List<LedgerDb.NewFile> resolved = new ArrayList<>(unknown.size());
                for (LedgerDb.NewFile f : unknown) {
                    RemoteObject r = remote.get(f.key());
                    if (r != null && r.size() == f.size() && (!config.verifyChecksums()
                            || etagMatches(root.resolve(f.path()), f.size(), r.eTag()))) {
                        resolved.add(new LedgerDb.NewFile(f.path(), f.size(), f.mtimeNs(), f.key(), "uploaded",
                                r.eTag(), 0));
                        foundInStore++;
                        foundBytes += f.size();
                    } else {
                        resolved.add(new LedgerDb.NewFile(f.path(), f.size(), f.mtimeNs(), f.key(), "pending", null,
                                0));
                    }
                }
                unknown.clear();
                unknown.addAll(resolved);
                for (Object[] c : confirm) {
                    String rel = (String) c[0];
                    long size = (Long) c[1];
                    LedgerDb.Known k = (LedgerDb.Known) c[2];
                    RemoteObject r = remote.get(target.key(rel));
                    boolean ok = r != null && r.size() == size && (k.checksum() == null || r.eTag() == null
                            || r.eTag().equalsIgnoreCase(k.checksum()));
                    if (ok) {
                        unchanged++;
                        unchangedBytes += size;
                    } else {
                        LOG.info("{}: the ledger has it as uploaded but the store {}; uploading it again", rel,
                                r == null ? "lacks it" : "has size " + r.size() + " ETag " + r.eTag());
                        requeue.add(new LedgerDb.Requeue(k.id(), size, k.mtimeNs(), target.key(rel), 0));
                        changed++;
                    }
                }
            } else {
                for (Object[] c : confirm) {
                    unchanged++;
                    unchangedBytes += (Long) c[1];
                }
            }
            for (int i = 0; i < unknown.size(); i += LedgerDb.BATCH) {
                List<LedgerDb.NewFile> part = unknown.subList(i, Math.min(unknown.size(), i + LedgerDb.BATCH));
                db.insertFiles(project.id(), sessionId, part);
                ledgerRows += part.size();
            }
            for (int i = 0; i < requeue.size(); i += LedgerDb.BATCH) {
                List<LedgerDb.Requeue> part = requeue.subList(i, Math.min(requeue.size(), i + LedgerDb.BATCH));
                db.requeue(sessionId, part);
                ledgerRows += part.size();
            }
            LOG.info("{} files: {} unchanged, {} new, {} changed or failed before, {} found in the store "
                    + "(walk {} ms, ledger read {} ms in parallel, diff {} ms, checks and writes {} ms)", totalFiles,
                    unchanged, newFiles, changed, foundInStore, (pw - p0) / 1_000_000, readNanos.get() / 1_000_000,
                    (p2 - p1) / 1_000_000, (System.nanoTime() - p2) / 1_000_000);
        }

        private void verifyChecksums(List<Object[]> verify, List<LedgerDb.Requeue> requeue, List<Object[]> confirm) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.workers(), 8));
            try {
                List<Future<Boolean>> results = new ArrayList<>(verify.size());
                for (Object[] v : verify) {
                    LedgerDb.Known k = (LedgerDb.Known) v[4];
                    results.add(pool.submit(() -> etagMatches((Path) v[0], (Long) v[2], k.checksum())));
                }
                for (int i = 0; i < verify.size(); i++) {
                    Object[] v = verify.get(i);
                    LedgerDb.Known k = (LedgerDb.Known) v[4];
                    boolean ok;
                    try {
                        ok = results.get(i).get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SyncException("interrupted while verifying checksums", e);
                    } catch (java.util.concurrent.ExecutionException e) {
                        ok = false;
                    }
                    if (ok && config.checkRemote()) {
                        confirm.add(new Object[] {v[1], v[2], k});
                    } else if (ok) {
                        unchanged++;
                        unchangedBytes += (Long) v[2];
                    } else {
                        LOG.info("{}: content differs from the checksum in the ledger; uploading it again", v[1]);
                        requeue.add(new LedgerDb.Requeue(k.id(), (Long) v[2], (Long) v[3], target.key((String) v[1]),
                                k.checksum() == null ? 1 : 0));
                        changed++;
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }

        private boolean etagMatches(Path file, long size, String eTag) {
            try {
                return Etags.matches(file, size, eTag, options);
            } catch (IOException e) {
                return false;
            }
        }

        private Map<String, RemoteObject> listPrefix() {
            Map<String, RemoteObject> m = new HashMap<>();
            try {
                for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(target.bucket())
                        .prefix(target.prefix()).maxKeys(1000))) {
                    listRequests++;
                    for (S3Object o : page.contents()) {
                        m.put(o.key(), new RemoteObject(o.key(), o.size(), unquote(o.eTag()), o.lastModified()));
                    }
                    if (cancelled) {
                        break;
                    }
                }
            } catch (RuntimeException e) {
                throw new S3IoException("cannot list " + target + " to find files already stored: " + e.getMessage()
                        + "; check the endpoint, bucket and credentials", e);
            }
            return m;
        }

        /** Claims batches from the ledger and feeds them to the uploader until no file is left to anyone. */
        void uploadClaimed(List<Long> sessionFilter) {
            ClaimIterator files = new ClaimIterator(sessionFilter);
            if (!files.hasNext()) {
                return;   // nothing to do: no S3 request at all
            }
            rounds++;
            TransferListener recorder = new TransferListener() {
                @Override
                public void onProgress(TransferProgress progress) {
                    listener.onProgress(progress);
                }

                @Override
                public void onFile(FileReport o) {
                    InFlight f = inFlight.remove(o.path());
                    if (f == null) {
                        LOG.warn("{}: an outcome for a file this worker did not claim ({})", o.path(), o.status());
                    } else if (o.status() == FileReport.Status.FAILED) {
                        writer.add(new LedgerDb.Outcome(f.claim.id(), "failed", f.size, f.mtimeNs, null, o.reason()));
                    } else {
                        String eTag = o.status() == FileReport.Status.TRANSFERRED ? o.eTag() : f.storedETag;
                        writer.add(new LedgerDb.Outcome(f.claim.id(), "uploaded", f.size, f.mtimeNs, eTag, null));
                    }
                    listener.onFile(o);
                }
            };
            SkipPolicy policy = new SkipPolicy() {
                @Override
                public boolean skip(LocalFile file, RemoteObject listed) throws IOException {
                    InFlight f = inFlight.get(file.relativePath());
                    if (f == null) {
                        return false;
                    }
                    f.size = file.size();
                    f.mtimeNs = TreeWalker.mtimeNs(file.lastModified());
                    if (f.claim.recheck() == 0) {
                        return false;
                    }
                    RemoteObject r = head(file.key());
                    if (r == null) {
                        return false;
                    }
                    boolean skip = f.claim.recheck() == 1 || config.verifyChecksums()
                            ? SkipPolicy.sameSizeAndChecksum(options).skip(file, r)
                            : SkipPolicy.sameSize().skip(file, r);
                    if (skip) {
                        f.storedETag = r.eTag();
                    }
                    return skip;
                }

                @Override
                public boolean needsListing() {
                    return false;
                }

                @Override
                public String toString() {
                    return "ledger";
                }
            };
            ParallelUploader up = ParallelUploader.builder(s3).options(options).skipPolicy(policy).listener(recorder)
                    .build();
            running = up;
            TransferReport r;
            try {
                if (cancelled) {
                    up.cancel();
                }
                r = up.upload(root, files, target);
            } finally {
                running = null;
                up.close();
            }
            writer.flush();
            uploaded += r.transferred();
            skippedByUploader += r.skipped();
            failed += r.failed();
            bytesUploaded += r.bytesTransferred();
            bytesSkippedByUploader += r.bytesSkipped();
            runCancelled |= r.cancelled();
            failures.addAll(r.failures());
            if (r.cancelled()) {
                int n = db.release(worker);
                LOG.info("cancelled: {} claimed file(s) put back as pending", n);
            }
        }

        private RemoteObject head(String key) {
            headRequests.incrementAndGet();
            try {
                HeadObjectResponse h = s3.headObject(b -> b.bucket(target.bucket()).key(key));
                return new RemoteObject(key, h.contentLength(), unquote(h.eTag()), h.lastModified());
            } catch (AwsServiceException e) {
                if (e.statusCode() != 404) {
                    LOG.warn("HEAD {} failed ({}); uploading it", key, e.getMessage());
                }
                return null;
            } catch (RuntimeException e) {
                LOG.warn("HEAD {} failed ({}); uploading it", key, e.toString());
                return null;
            }
        }

        /** The uploader's file source: ledger claims, a batch at a time, waiting while others still hold work. */
        private final class ClaimIterator implements Iterator<Path> {
            private final List<Long> sessionFilter;
            private final Deque<Path> buffer = new ArrayDeque<>();
            private boolean done;
            private final long pollMs = Math.max(50, Math.min(1000, config.claimTimeout().toMillis() / 4));

            ClaimIterator(List<Long> sessionFilter) {
                this.sessionFilter = sessionFilter;
            }

            @Override
            public boolean hasNext() {
                while (buffer.isEmpty() && !done) {
                    if (cancelled) {
                        done = true;
                        break;
                    }
                    List<LedgerDb.Claimed> batch = db.claim(project.id(), worker, sessionId, config.claimBatch(),
                            config.claimTimeout().toMillis(), sessionFilter);
                    ledgerRows += batch.size();
                    if (!batch.isEmpty()) {
                        for (LedgerDb.Claimed c : batch) {
                            inFlight.put(c.path(), new InFlight(c));
                            Path local = localNames.get(c.path());
                            buffer.add(local != null ? local : root.resolve(c.path()));
                        }
                        break;
                    }
                    if (db.othersOutstanding(project.id(), worker, sessionFilter) == 0) {
                        done = true;
                        break;
                    }
                    try {
                        Thread.sleep(pollMs);   // other workers hold files; theirs return to us if they die
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        done = true;
                    }
                }
                return !buffer.isEmpty();
            }

            @Override
            public Path next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return buffer.poll();
            }
        }
    }

    /** One file found by the walk, kept until the ledger has been read. */
    private record Walked(String rel, Path renamedFile, long size, long mtimeNs) {}

    private static String unquote(String eTag) {
        if (eTag == null) {
            return null;
        }
        return eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")
                ? eTag.substring(1, eTag.length() - 1) : eTag;
    }

    private static final class CancelledWalk extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CancelledWalk() {
            super("cancelled during the walk", null, false, false);
        }
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

        /** The uploader's options (globs, multipart, retries); {@code workers} comes from the {@link SyncConfig}. */
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
