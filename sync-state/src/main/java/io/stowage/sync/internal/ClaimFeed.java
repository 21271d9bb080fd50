package io.stowage.sync.internal;

import io.stowage.s3.UploadItem;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The uploader's file source: claims a batch of files from the ledger at a time and gives each as an
 * {@link UploadItem} (the ledger's key, size and mtime; the claim as its tag), and while other workers still hold
 * work, waits for theirs (a dead worker's claims return after {@code claim_timeout_s}). Ends when nothing is left to
 * anyone, or on cancel. Iterated by the uploader's producer (the session's thread); {@link #rechecks} is read by
 * upload threads.
 */
final class ClaimFeed implements Iterator<UploadItem> {
    private final SyncRun run;
    private final List<Long> sessionFilter;
    private final Deque<UploadItem> buffer = new ArrayDeque<>();
    private final Map<String, InFlight> rechecks = new ConcurrentHashMap<>();
    private final long pollMs;
    private boolean done;

    /** @param sessionFilter only files of these sessions (a retry of one session), or {@code null} */
    ClaimFeed(SyncRun run, List<Long> sessionFilter) {
        this.run = run;
        this.sessionFilter = sessionFilter;
        this.pollMs = Math.max(50, Math.min(1000, run.config.claimTimeout().toMillis() / 4));
    }

    /** The claims the skip policy must check against the store ({@link Recheck} other than NONE), by key. */
    Map<String, InFlight> rechecks() {
        return rechecks;
    }

    @Override
    public boolean hasNext() {
        while (buffer.isEmpty() && !done) {
            if (run.cancelled()) {
                done = true;
                break;
            }
            List<FileTable.Claimed> batch = run.db.files().claim(run.project.id(), run.worker(), run.sessionId,
                    run.config.claimBatch(), run.config.claimTimeout().toMillis(), sessionFilter);
            run.counters.ledgerRows += batch.size();
            if (!batch.isEmpty()) {
                for (FileTable.Claimed c : batch) {
                    buffer.add(item(c));
                }
                break;
            }
            if (run.db.files().othersOutstanding(run.project.id(), run.worker(), sessionFilter) == 0) {
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

    private UploadItem item(FileTable.Claimed c) {
        InFlight f = new InFlight(c);
        String key = run.target.key(c.path());
        if (c.recheck() != Recheck.NONE) {
            rechecks.put(key, f);
        }
        Path local = run.localNames.get(c.path());
        return new UploadItem(local != null ? local : run.root.resolve(c.path()), key, c.size(),
                Instant.ofEpochSecond(0, c.mtimeNs()), f);
    }

    @Override
    public UploadItem next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return buffer.poll();
    }
}
