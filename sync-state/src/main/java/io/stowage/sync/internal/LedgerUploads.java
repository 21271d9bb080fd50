package io.stowage.sync.internal;

import io.stowage.s3.ParallelUploader;
import io.stowage.s3.TransferListener;
import io.stowage.s3.TransferReport;
import io.stowage.s3.UploadOptions;
import io.stowage.sync.SessionKind;
import io.stowage.sync.SyncConfig;
import io.stowage.sync.SyncReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The ledgered upload and retry behind {@code SyncUploader}: one session each, recorded by a {@link SessionRecorder};
 * an upload plans with a {@link LedgerDiff} and then uploads claims, a retry runs {@link RetryRounds}. Uploads go
 * through s3-io's {@link ParallelUploader}, fed by a {@link ClaimFeed}, deciding skips with a
 * {@link LedgerSkipPolicy} and recording outcomes with a {@link LedgerOutcomeListener}.
 *
 * <p>{@code new LedgerUploads(db, s3, UploadOptions.defaults(), TransferListener.none(), "w1", 1000).upload(c, p, root)}
 *
 * <p>Thread-safety: one {@code upload} or {@code retry} at a time (the caller serialises them); {@link #cancel()}
 * from any thread.
 */
public final class LedgerUploads {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerUploads.class);

    private final LedgerDb db;
    private final S3Client s3;
    private final UploadOptions baseOptions;
    private final TransferListener listener;
    private final String worker;
    private final int listThreshold;
    private final CancelToken cancel = new CancelToken();

    /**
     * @param options       the uploader's options; {@code workers} and the file selection come from each
     *                      {@link SyncConfig}
     * @param listThreshold with at least this many files unknown to the ledger, the prefix is listed once instead of
     *                      a HEAD per file
     */
    public LedgerUploads(LedgerDb db, S3Client s3, UploadOptions options, TransferListener listener, String worker,
                         int listThreshold) {
        this.db = db;
        this.s3 = s3;
        this.baseOptions = options;
        this.listener = listener;
        this.worker = worker;
        this.listThreshold = listThreshold;
    }

    LedgerDb db() {
        return db;
    }

    S3Client s3() {
        return s3;
    }

    String worker() {
        return worker;
    }

    CancelToken token() {
        return cancel;
    }

    /** The uploader's options for a run of {@code config}: its workers and file selection. */
    UploadOptions options(SyncConfig config) {
        return baseOptions.withWorkers(config.workers()).withSelection(baseOptions.selection()
                .withInclude(config.include()).withExclude(config.exclude())
                .withExtensions(Set.copyOf(config.extensions())));
    }

    /** Stops the running upload or retry promptly; it returns a cancelled report. */
    public void cancel() {
        cancel.cancel();
    }

    /** Uploads {@code root} under {@code project}: plan, then claims until none is left to anyone. */
    public SyncReport upload(SyncConfig config, LedgerDb.Project project, Path root) {
        cancel.reset();
        try (ProcessLock lock = db.sqliteFile() == null ? null : ProcessLock.acquire(db.sqliteFile())) {
            SyncRun run = new SyncRun(this, project, config, root, SessionKind.UPLOAD);
            return new SessionRecorder(run).record(() -> {
                if (db.dialect() == Dialect.SQLITE) {
                    int n = db.files().expireClaims(project.id());
                    if (n > 0) {
                        LOG.info("{} file(s) were in flight when an earlier run stopped; checking them against "
                                + "the store before sending", n);
                    }
                }
                new LedgerDiff(run, listThreshold).plan();
                uploadClaimed(run, null);
            });
        }
    }

    /** Retries the project's failed files (of session {@code sessionId} only, when given) in rounds. */
    public SyncReport retry(SyncConfig config, LedgerDb.Project project, Path root, Long sessionId) {
        cancel.reset();
        try (ProcessLock lock = db.sqliteFile() == null ? null : ProcessLock.acquire(db.sqliteFile())) {
            SyncRun run = new SyncRun(this, project, config, root, SessionKind.RETRY);
            return new SessionRecorder(run).record(() -> {
                if (db.dialect() == Dialect.SQLITE) {
                    db.files().expireClaims(project.id());
                }
                new RetryRounds(run, sessionId == null ? null : List.of(sessionId, run.sessionId)).run();
            });
        }
    }

    /** One uploader round: claims (of {@code sessionFilter}'s sessions, when given) until none is left to anyone. */
    void uploadClaimed(SyncRun run, List<Long> sessionFilter) {
        ClaimFeed files = new ClaimFeed(run, sessionFilter);
        if (!files.hasNext()) {
            return;   // nothing to do: no S3 request at all
        }
        ParallelUploader up = ParallelUploader.builder(s3).options(run.options)
                .skipPolicy(new LedgerSkipPolicy(run, files.rechecks()))
                .listener(new LedgerOutcomeListener(run.writer, files.rechecks(), listener)).build();
        TransferReport r;
        cancel.running(up);
        try {
            r = up.upload(files, run.target);
        } finally {
            cancel.running(null);
            up.close();
        }
        run.writer.flush();
        run.counters.add(r);
        if (r.cancelled()) {
            int n = db.files().release(worker);
            LOG.info("cancelled: {} claimed file(s) put back as pending", n);
        }
    }
}
