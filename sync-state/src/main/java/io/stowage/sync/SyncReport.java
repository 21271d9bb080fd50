package io.stowage.sync;

import io.stowage.s3.TransferReport;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The result of one ledgered upload or retry session. Failed files do not throw: they are listed here and recorded
 * as {@code failed} in the ledger.
 *
 * <pre>{@code
 * SyncReport r = uploader.upload(config);
 * System.out.println(r.uploaded() + " uploaded, " + r.skipped() + " skipped, " + r.failed() + " failed");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param sessionId      the session recorded in the ledger
 * @param project        project name
 * @param kind           {@code upload} or {@code retry}
 * @param status         {@code completed}, {@code partial} (some files failed) or {@code cancelled}
 * @param totalFiles     files found in the folder (upload) or retried (retry)
 * @param unchanged      files the ledger has as uploaded with the same size and mtime: skipped without S3 requests
 * @param newFiles       files the ledger did not know
 * @param changed        known files that changed or had failed, set back to pending
 * @param foundInStore   files found already stored (listing or HEAD) and recorded as uploaded without a PUT
 * @param uploaded       files this session uploaded
 * @param skipped        files skipped in all ({@code unchanged} plus those found in the store)
 * @param failed         files that failed in this session
 * @param bytesUploaded  bytes uploaded
 * @param bytesSkipped   bytes of skipped files
 * @param listRequests   listing pages requested (0 when the ledger decided everything)
 * @param headRequests   HEAD requests made to check single files (in-flight before a crash, or unknown files)
 * @param rounds         uploader runs (1 for an upload with work to do, 0 with none; retry rounds for a retry)
 * @param ledgerRows     file rows written to the ledger by this session
 * @param startedAt      start
 * @param duration       how long it ran
 * @param cancelled      whether it was cancelled
 * @param failures       the failed files with reasons
 * @param trigger        the trigger outcome, or {@code null} without a trigger URL
 */
public record SyncReport(long sessionId, String project, String kind, String status, long totalFiles, long unchanged,
                         long newFiles, long changed, long foundInStore, long uploaded, long skipped, long failed,
                         long bytesUploaded, long bytesSkipped, long listRequests, long headRequests, int rounds,
                         long ledgerRows, Instant startedAt, Duration duration, boolean cancelled,
                         List<TransferReport.Failure> failures, TriggerOutcome trigger) {
    public SyncReport {
        failures = List.copyOf(failures);
    }

    /** True when nothing failed and it was not cancelled. */
    public boolean isComplete() {
        return failed == 0 && !cancelled;
    }
}
