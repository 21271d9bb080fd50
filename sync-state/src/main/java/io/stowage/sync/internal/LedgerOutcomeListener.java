package io.stowage.sync.internal;

import io.stowage.s3.FileReport;
import io.stowage.s3.TransferListener;
import io.stowage.s3.TransferProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Hears the uploader for the ledger: each file's report carries its claim (the {@code UploadItem}'s tag), whose
 * outcome is queued on the outcome writer (uploaded with its ETag, or failed with the reason); then progress and the
 * report go on to the caller's listener. Thread-safe: called from upload threads.
 */
final class LedgerOutcomeListener implements TransferListener {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerOutcomeListener.class);

    private final OutcomeWriter writer;
    private final Map<String, InFlight> rechecks;
    private final TransferListener next;

    LedgerOutcomeListener(OutcomeWriter writer, Map<String, InFlight> rechecks, TransferListener next) {
        this.writer = writer;
        this.rechecks = rechecks;
        this.next = next;
    }

    @Override
    public void onProgress(TransferProgress progress) {
        next.onProgress(progress);
    }

    @Override
    public void onFile(FileReport r) {
        if (!(r.tag() instanceof InFlight f)) {
            LOG.warn("{}: a report for a file this worker did not claim ({})", r.path(), r.status());
        } else {
            FileTable.Claimed c = f.claim;
            if (c.recheck() != Recheck.NONE) {
                rechecks.remove(r.key());
            }
            if (r.status() == FileReport.Status.FAILED) {
                writer.add(new FileTable.Outcome(c.id(), false, c.size(), c.mtimeNs(), null, r.reason()));
            } else if (r.status() == FileReport.Status.TRANSFERRED) {
                writer.add(new FileTable.Outcome(c.id(), true, r.bytes(), c.mtimeNs(), r.eTag(), null));
            } else {
                writer.add(new FileTable.Outcome(c.id(), true, c.size(), c.mtimeNs(), f.storedETag, null));
            }
        }
        next.onFile(r);
    }
}
