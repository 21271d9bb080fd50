package io.stowage.sync;

import io.stowage.s3.TransferReport;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The result of one ledgered upload or retry session: which session, what happened to the files
 * ({@link FileCounts}), how many bytes ({@link ByteCounts}), what it cost ({@link Work}), the failed files and the
 * trigger. Failed files do not throw: they are listed here and recorded as {@code failed} in the ledger.
 *
 * <pre>{@code
 * SyncReport r = uploader.upload(config);
 * System.out.println(r.files().uploaded() + " uploaded, " + r.files().skipped() + " skipped, "
 *         + r.files().failed() + " failed");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param sessionId the session recorded in the ledger
 * @param project   project name
 * @param kind      {@code upload} or {@code retry}
 * @param status    {@link SessionStatus#COMPLETED}, {@link SessionStatus#PARTIAL} (some files failed) or
 *                  {@link SessionStatus#CANCELLED}
 * @param startedAt start
 * @param duration  how long it ran
 * @param files     file counts
 * @param bytes     byte counts
 * @param work      listing pages, HEAD requests, uploader rounds and ledger rows
 * @param failures  the failed files with reasons
 * @param trigger   the trigger report, or {@code null} without a trigger URL
 */
public record SyncReport(long sessionId, String project, SessionKind kind, SessionStatus status, Instant startedAt,
                         Duration duration, FileCounts files, ByteCounts bytes, Work work,
                         List<TransferReport.Failure> failures, TriggerReport trigger) {
    public SyncReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(work, "work");
        failures = List.copyOf(failures);
    }

    /**
     * What happened to the files of a session. Immutable and thread-safe.
     *
     * @param total        files found in the folder (upload) or retried (retry)
     * @param unchanged    files the ledger has as uploaded with the same size and mtime: skipped without S3 requests
     * @param newFiles     files the ledger did not know
     * @param changed      known files that changed or had failed, set back to pending
     * @param foundInStore files found already stored (listing or HEAD) and recorded as uploaded without a PUT
     * @param uploaded     files this session uploaded
     * @param skipped      files skipped in all ({@code unchanged} plus those found in the store)
     * @param failed       files that failed in this session
     */
    public record FileCounts(long total, long unchanged, long newFiles, long changed, long foundInStore,
                             long uploaded, long skipped, long failed) {}

    /**
     * Bytes of a session. Immutable and thread-safe.
     *
     * @param uploaded bytes uploaded
     * @param skipped  bytes of skipped files
     */
    public record ByteCounts(long uploaded, long skipped) {}

    /**
     * What a session cost. Immutable and thread-safe.
     *
     * @param listRequests listing pages (of 1,000 keys) requested (0 when the ledger decided everything)
     * @param headRequests HEAD requests made to check single files (in flight before a crash, or unknown files)
     * @param rounds       uploader runs (1 for an upload with work to do, 0 with none; retry rounds for a retry)
     * @param ledgerRows   file rows written to the ledger by this session
     */
    public record Work(long listRequests, long headRequests, int rounds, long ledgerRows) {}

    /** Whether it was cancelled. */
    public boolean cancelled() {
        return status == SessionStatus.CANCELLED;
    }

    /** True when nothing failed and it was not cancelled. */
    public boolean isComplete() {
        return files.failed() == 0 && !cancelled();
    }
}
