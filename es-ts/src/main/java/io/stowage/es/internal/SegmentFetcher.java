package io.stowage.es.internal;

import io.stowage.es.EsFetchListener;
import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsSegmentMissingException;
import io.stowage.es.EsSegmentStore;
import io.stowage.es.EsStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A worker's job: download one segment of a remote store into a {@link Spool}, retrying transient failures with
 * backoff. Thread-safe: holds only configuration; each call uses its own spool.
 */
final class SegmentFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentFetcher.class);

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

    SegmentFetcher(EsSegmentStore store, EsFetchOptions o, EsFetchListener listener, Path tempDir) {
        this.store = store;
        this.o = o;
        this.listener = listener;
        this.tempDir = tempDir;
    }

    Fetched fetch(FetchPlan.Item item) throws IOException, InterruptedException {
        if (item.hole()) {
            return Fetched.HOLE;
        }
        String key = item.segment().key();
        Spool spool = new Spool(o.spoolMemory(), tempDir);
        for (int attempt = 1; ; attempt++) {
            String reason;
            boolean retry;
            try (EsSegmentStore.SegmentData d = store.open(key)) {
                spool.reset();
                spool.fill(d.channel(), d.size());
                if (d.size() >= 0 && spool.size() != d.size()) {
                    throw new IOException("short read: got " + spool.size() + " of " + d.size() + " bytes");
                }
                return new Fetched(spool, false, null, attempt);
            } catch (EsSegmentMissingException e) {
                spool.close();
                return new Fetched(null, true, null, attempt);
            } catch (EsStoreException e) {
                reason = e.getMessage();
                retry = e.isTransient();
            } catch (IOException | UncheckedIOException e) {
                reason = "reading " + key + " failed: " + e;
                retry = true;
            } catch (RuntimeException e) {
                reason = "reading " + key + " failed: " + e;
                retry = true;
            }
            if (!retry || attempt >= o.maxAttempts()) {
                spool.close();
                return new Fetched(null, false, reason, attempt);
            }
            long base = o.retryDelay().toMillis() << Math.min(attempt - 1, 16);
            long delay = Math.min(10_000L, base);
            delay = delay / 2 + (delay > 1 ? ThreadLocalRandom.current().nextLong(delay / 2 + 1) : 0);
            listener.onRetry(key, attempt, delay, reason);
            LOG.debug("retrying {} in {} ms (attempt {}): {}", key, delay, attempt, reason);
            Thread.sleep(delay);
        }
    }
}
