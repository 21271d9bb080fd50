package io.stowage.es.internal;

import io.stowage.es.EsCorruption;
import io.stowage.es.EsFailure;
import io.stowage.es.EsFetchListener;
import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsSegment;
import io.stowage.es.EsSegmentMissingException;
import io.stowage.es.EsSegmentStore;
import io.stowage.es.EsStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fetch loop: walks the plan in order, reading each segment (a remote store's through worker threads at most
 * {@code window} segments ahead, a local folder's on this thread), parses its records into the stitcher, tallies
 * what was missing, failed or corrupt, tells the listener, and saves checkpoints. One instance per fetch, driven by
 * one thread.
 */
final class FetchLoop {
    private static final Logger LOG = LoggerFactory.getLogger(FetchLoop.class);

    /** Saves the resume state after the plan items before {@code nextIndex}. */
    interface Checkpointer {
        void save(int nextIndex) throws IOException;
    }

    /** The fetch stopped on request after the plan items before {@code nextIndex} (their checkpoint is saved). */
    static final class Stopped extends Exception {
        private static final long serialVersionUID = 1L;
        final int nextIndex;

        Stopped(int nextIndex) {
            super(null, null, false, false);
            this.nextIndex = nextIndex;
        }
    }

    private final EsSegmentStore store;
    private final EsFetchOptions o;
    private final EsFetchListener listener;
    private final FetchTally tally;

    FetchLoop(EsSegmentStore store, EsFetchOptions o, FetchTally tally) {
        this.store = store;
        this.o = o;
        this.listener = o.listener();
        this.tally = tally;
    }

    /**
     * Runs plan items from {@code startIndex} on.
     *
     * @param out     the stitcher's sink (for the bytes written so far)
     * @param cp      checkpoints, or null (a stream cannot resume)
     * @param tempDir where spools overflow to disk
     */
    void run(FetchPlan plan, int startIndex, Stitcher st, BufferedOut out, Checkpointer cp, Path tempDir)
            throws IOException, Stopped {
        listener.onPlan(plan.size(), startIndex);
        RecordParser parser = new RecordParser(o.maxRecordSize(), o.startCode());
        ExecutorService pool = null;
        SegmentFetcher fetcher = null;
        ArrayDeque<Future<SegmentFetcher.Fetched>> window = new ArrayDeque<>();
        if (store.isRemote()) {
            AtomicInteger n = new AtomicInteger();
            pool = Executors.newFixedThreadPool(o.workers(), r -> {
                Thread t = new Thread(r, "stowage-es-fetch-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            fetcher = new SegmentFetcher(store, o, listener, tempDir);
        }
        long lastCheckpoint = System.nanoTime();
        int next = startIndex;
        try {
            for (int i = startIndex; i < plan.size(); i++) {
                if (o.stopRequested().getAsBoolean()) {
                    if (cp != null) {
                        cp.save(i);
                    }
                    throw new Stopped(i);
                }
                FetchPlan.Item item = plan.get(i);
                if (pool != null) {
                    while (next < plan.size() && next < i + o.window()) {
                        FetchPlan.Item it = plan.get(next++);
                        SegmentFetcher f = fetcher;
                        window.add(pool.submit(() -> f.fetch(it)));
                    }
                }
                if (item.hole()) {
                    if (pool != null) {
                        window.poll();
                    }
                    st.segmentLost(item.startNs(), item.endNs(), "no segment");
                } else if (pool != null) {
                    process(item, await(window.poll()), parser, st);
                } else {
                    processLocal(item, parser, st);
                }
                listener.onSegment(item.segment(), out.written());
                if (cp != null && (i == plan.size() - 1
                        || System.nanoTime() - lastCheckpoint >= o.checkpointInterval().toNanos())) {
                    cp.save(i + 1);
                    lastCheckpoint = System.nanoTime();
                }
            }
            st.finish();
        } finally {
            if (pool != null) {
                shutdown(pool, window);
            }
        }
    }

    private static void shutdown(ExecutorService pool, ArrayDeque<Future<SegmentFetcher.Fetched>> window) {
        pool.shutdownNow();
        for (Future<SegmentFetcher.Fetched> f : window) {
            f.cancel(true);
            if (f.isDone() && !f.isCancelled()) {
                try {
                    SegmentFetcher.Fetched x = f.get();
                    if (x.spool() != null) {
                        x.spool().close();
                    }
                } catch (Exception ignored) {
                    // cleaning up after another failure
                }
            }
        }
    }

    private static SegmentFetcher.Fetched await(Future<SegmentFetcher.Fetched> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("fetch interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        }
    }

    private void process(FetchPlan.Item item, SegmentFetcher.Fetched f, RecordParser parser, Stitcher st)
            throws IOException {
        if (f.missing() || f.failure() != null) {
            lost(item, f.failure(), f.attempts(), st);
            return;
        }
        try (Spool spool = f.spool()) {
            tally.segmentsFetched++;
            if (spool.size() == 0) {
                empty(item, st);
                return;
            }
            parse(item, spool.channel(), spool.size(), parser, st);
        }
        LOG.trace("segment {} done", item.segment().key());
    }

    private void processLocal(FetchPlan.Item item, RecordParser parser, Stitcher st) throws IOException {
        EsSegmentStore.SegmentData d;
        try {
            d = store.open(item.segment().key());
        } catch (EsSegmentMissingException e) {
            lost(item, null, 1, st);
            return;
        } catch (EsStoreException e) {
            lost(item, e.getMessage(), 1, st);
            return;
        }
        try (d) {
            if (d.size() == 0) {
                tally.segmentsFetched++;
                empty(item, st);
                return;
            }
            parse(item, d.channel(), d.size(), parser, st);
            tally.segmentsFetched++;
        } catch (IOException e) {
            if (!item.preroll()) {
                tally.failed(new EsFailure(item.segment().key(), "reading failed part way: " + e, 1));
            }
            st.dataLost("failed segment");
        }
    }

    /** A segment of zero bytes: it holds none of its interval, so it is a gap like a missing one. */
    private void empty(FetchPlan.Item item, Stitcher st) {
        if (!item.preroll()) {
            tally.corrupt(new EsCorruption(item.segment().key(), 0, 0, "empty segment: 0 bytes, no record"));
        }
        st.segmentLost(item.startNs(), item.endNs(), "empty segment");
    }

    private void lost(FetchPlan.Item item, String failure, int attempts, Stitcher st) {
        tally.lost(item, failure, attempts);
        st.segmentLost(item.startNs(), item.endNs(), failure == null ? "missing segment" : "failed segment");
    }

    private void parse(FetchPlan.Item item, ReadableByteChannel ch, long size, RecordParser parser, Stitcher st)
            throws IOException {
        EsSegment seg = item.segment();
        long slack = o.utcSlack().toNanos();
        long min = item.startNs() - slack;
        long max = item.endNs() + slack;
        st.join("discontinuity");
        boolean report = !item.preroll();
        parser.parse(ch, size, min, max, new RecordParser.Sink() {
            @Override
            public void record(long offset, long utcNs, long pcr27Mhz, byte[] buf, int pos, int len)
                    throws IOException {
                st.record(utcNs, buf, pos, len);
            }

            @Override
            public void skipped(long offset, long length, String reason) {
                if (report) {
                    tally.corrupt(new EsCorruption(seg.key(), offset, length, reason));
                }
                st.dataLost("corrupt data");
            }

            @Override
            public void empty(long offset) {
                if (report) {
                    tally.corrupt(new EsCorruption(seg.key(), offset, RecordParser.HEADER,
                            FetchTally.EMPTY_RECORD));
                }
            }
        });
    }
}
