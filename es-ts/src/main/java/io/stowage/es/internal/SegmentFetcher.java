package io.stowage.es.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.stowage.es.EsFetchListener;
import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsSegmentMissingException;
import io.stowage.es.EsSegmentStore;
import io.stowage.es.EsStoreException;
import io.stowage.s3.RetrySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A worker's job: download one segment of a remote store into a {@link Spool}, retrying failures that may pass with
 * the one retry policy type of Stowage ({@link RetrySettings}: {@link EsFetchOptions#maxAttempts()} attempts, backoff
 * doubling from {@link EsFetchOptions#retryDelay()} up to 10 s, with jitter). Retried: an {@link EsStoreException}
 * that {@link EsStoreException#isTransient() is transient}, and any other failure while reading (I/O, a short read);
 * never a missing segment. Thread-safe: holds only configuration; each call uses its own spool.
 */
final class SegmentFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentFetcher.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /**
     * A fetched segment: its bytes, or missing, or failed with the last reason.
     *
     * @param spool    the bytes (the reader closes it), or null
     * @param missing  no object has the key
     * @param failure  the last error once the attempts are spent, or null
     * @param attempts how many times it was tried
     */
    record Fetched(Spool spool, boolean missing, String failure, int attempts) {
        static final Fetched HOLE = new Fetched(null, false, null, 0);
    }

    private final EsSegmentStore store;
    private final EsFetchOptions o;
    private final EsFetchListener listener;
    private final Path tempDir;
    private final RetryPolicy<Spool> policy;

    SegmentFetcher(EsSegmentStore store, EsFetchOptions o, EsFetchListener listener, Path tempDir) {
        this.store = store;
        this.o = o;
        this.listener = listener;
        this.tempDir = tempDir;
        this.policy = new RetrySettings(o.maxAttempts(), o.retryDelay(), MAX_BACKOFF).policy(SegmentFetcher::retryable);
    }

    private static boolean retryable(Throwable e) {
        if (e instanceof EsStoreException se) {
            return se.isTransient();
        }
        return e instanceof IOException || e instanceof RuntimeException;
    }

    private static String reason(String key, Throwable e) {
        return e instanceof EsStoreException ? e.getMessage() : "reading " + key + " failed: " + e;
    }

    Fetched fetch(FetchPlan.Item item) throws InterruptedException, IOException {
        if (item.hole()) {
            return Fetched.HOLE;
        }
        String key = item.segment().key();
        Spool spool = new Spool(o.spoolMemory(), tempDir);
        int[] attempts = new int[1];
        RetryPolicy<Spool> retry = RetryPolicy.builder(policy.getConfig()).onRetryScheduled(e -> {
            String reason = reason(key, e.getLastException());
            listener.onRetry(key, e.getAttemptCount(), e.getDelay().toMillis(), reason);
            LOG.debug("retrying {} in {} ms (attempt {}): {}", key, e.getDelay().toMillis(), e.getAttemptCount(),
                    reason);
        }).build();
        try {
            return new Fetched(Failsafe.with(retry).get(ctx -> {
                attempts[0] = ctx.getAttemptCount() + 1;
                return read(key, spool);
            }), false, null, attempts[0]);
        } catch (EsSegmentMissingException e) {
            spool.close();
            return new Fetched(null, true, null, attempts[0]);
        } catch (FailsafeException e) {
            spool.close();
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            return new Fetched(null, false, reason(key, e.getCause()), attempts[0]);
        } catch (RuntimeException e) {
            spool.close();
            return new Fetched(null, false, reason(key, e), attempts[0]);
        }
    }

    /** One attempt: the whole segment into the (emptied) spool. */
    private Spool read(String key, Spool spool) throws IOException {
        try (EsSegmentStore.SegmentData d = store.open(key)) {
            spool.reset();
            spool.fill(d.channel(), d.size());
            if (d.size() >= 0 && spool.size() != d.size()) {
                throw new IOException("short read: got " + spool.size() + " of " + d.size() + " bytes");
            }
            return spool;
        }
    }
}
