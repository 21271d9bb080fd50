package io.stowage.sync.internal;

import io.stowage.s3.FileOutcome;
import io.stowage.s3.TransferListener;
import io.stowage.s3.TransferProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Hears the uploader for the ledger: queues each file's outcome on the outcome writer (uploaded with its ETag, or
 * failed with the reason), then passes progress and the outcome on to the caller's listener. Thread-safe: called
 * from upload threads.
 */
final class LedgerOutcomeListener implements TransferListener {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerOutcomeListener.class);

    private final OutcomeWriter writer;
    private final Map<String, InFlight> inFlight;
    private final TransferListener next;

    LedgerOutcomeListener(OutcomeWriter writer, Map<String, InFlight> inFlight, TransferListener next) {
        this.writer = writer;
        this.inFlight = inFlight;
        this.next = next;
    }

    @Override
    public void onProgress(TransferProgress progress) {
        next.onProgress(progress);
    }

    @Override
    public void onFile(FileOutcome o) {
        InFlight f = inFlight.remove(o.path());
        if (f == null) {
            LOG.warn("{}: an outcome for a file this worker did not claim ({})", o.path(), o.status());
        } else if (o.status() == FileOutcome.Status.FAILED) {
            writer.add(new FileTable.Outcome(f.claim.id(), false, f.size, f.mtimeNs, null, o.reason()));
        } else {
            String eTag = o.status() == FileOutcome.Status.TRANSFERRED ? o.eTag() : f.storedETag;
            writer.add(new FileTable.Outcome(f.claim.id(), true, f.size, f.mtimeNs, eTag, null));
        }
        next.onFile(o);
    }
}
