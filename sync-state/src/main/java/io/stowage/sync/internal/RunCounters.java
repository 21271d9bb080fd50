package io.stowage.sync.internal;

import io.stowage.s3.TransferReport;
import io.stowage.sync.SyncReport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The numbers of one session as it runs: what the diff decided, what the uploader rounds did and what it cost. The
 * run's own thread writes them, except {@link #headRequests} (the skip policy, on upload threads). Not thread-safe
 * otherwise.
 */
final class RunCounters {
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
    long ledgerRows;
    boolean cancelled;
    final List<TransferReport.Failure> failures = new ArrayList<>();

    /** Adds one uploader round. */
    void add(TransferReport r) {
        rounds++;
        uploaded += r.transferred();
        skippedByUploader += r.skipped();
        failed += r.failed();
        bytesUploaded += r.bytesTransferred();
        bytesSkippedByUploader += r.bytesSkipped();
        cancelled |= r.cancelled();
        failures.addAll(r.failures());
    }

    /** Files skipped in all: unchanged in the ledger, found in the store by the diff or by the skip policy. */
    long skipped() {
        return unchanged + foundInStore + skippedByUploader;
    }

    long bytesSkipped() {
        return unchangedBytes + foundBytes + bytesSkippedByUploader;
    }

    SessionTable.Totals totals() {
        return new SessionTable.Totals(totalFiles, uploaded, skipped(), failed, bytesUploaded, bytesSkipped());
    }

    SyncReport.FileCounts files() {
        return new SyncReport.FileCounts(totalFiles, unchanged, newFiles, changed, foundInStore, uploaded, skipped(),
                failed);
    }

    SyncReport.ByteCounts bytes() {
        return new SyncReport.ByteCounts(bytesUploaded, bytesSkipped());
    }

    SyncReport.Work work() {
        return new SyncReport.Work(listRequests, headRequests.get(), rounds, ledgerRows);
    }
}
