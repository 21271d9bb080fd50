package io.stowage.sync.internal;

import io.stowage.s3.S3Location;
import io.stowage.s3.S3Objects;
import io.stowage.s3.UploadOptions;
import io.stowage.sync.SessionKind;
import io.stowage.sync.SyncConfig;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the parts of one upload or retry session share: the ledger, the project and target, the configuration and
 * uploader options, the counters, and (once {@link SessionRecorder} opened it) the session id and outcome writer.
 * Confined to the session's thread, except the counters noted in {@link RunCounters}.
 */
final class SyncRun {
    final LedgerUploads owner;
    final LedgerDb db;
    final LedgerDb.Project project;
    final SyncConfig config;
    final UploadOptions options;
    final S3Location target;
    final Path root;
    final SessionKind kind;
    /** s3-io's single-object access (LIST, HEAD), retried as {@link #options} say. */
    final S3Objects objects;
    final RunCounters counters = new RunCounters();
    /** Files whose name on disk differs from their NFC key path (NFD names), by key path. */
    final Map<String, Path> localNames = new HashMap<>();
    long sessionId;
    OutcomeWriter writer;

    SyncRun(LedgerUploads owner, LedgerDb.Project project, SyncConfig config, Path root, SessionKind kind) {
        this.owner = owner;
        this.db = owner.db();
        this.project = project;
        this.config = config;
        this.options = owner.options(config);
        this.objects = S3Objects.create(owner.s3()).withRetry(options.retry());
        this.target = S3Location.of(project.bucket(), project.prefix());
        this.root = root;
        this.kind = kind;
    }

    String worker() {
        return owner.worker();
    }

    boolean cancelled() {
        return owner.token().requested();
    }
}
