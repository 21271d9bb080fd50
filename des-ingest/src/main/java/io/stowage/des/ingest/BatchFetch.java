package io.stowage.des.ingest;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The parallel fetch of one claimed batch's objects: up to {@code threads} runners on the fetch pool take the rows from
 * one cursor, in order, until none is left, and the loop thread waits once for the whole batch. Compared with a task
 * and a future per row, a row costs one atomic increment and one count-down instead of a queue hand-off, and the loop
 * thread is woken once a batch instead of about once a row.
 *
 * <p>A fetch that throws (it should return {@link PackerSupport.Fetched#failed} instead) fails its row with the
 * exception's text, as a failed future did; the other rows go on.
 */
final class BatchFetch {
    private final List<SourceRow> rows;
    private final Function<SourceRow, PackerSupport.Fetched> fetch;
    private final PackerSupport.Fetched[] results;
    private final AtomicInteger next = new AtomicInteger();
    private final CountDownLatch done;

    private BatchFetch(List<SourceRow> rows, Function<SourceRow, PackerSupport.Fetched> fetch) {
        this.rows = rows;
        this.fetch = fetch;
        this.results = new PackerSupport.Fetched[rows.size()];
        this.done = new CountDownLatch(rows.size());
    }

    /** Starts fetching {@code rows} with up to {@code threads} runners on {@code pool}. */
    static BatchFetch start(Executor pool, int threads, List<SourceRow> rows,
                            Function<SourceRow, PackerSupport.Fetched> fetch) {
        BatchFetch b = new BatchFetch(rows, fetch);
        int runners = Math.min(Math.max(1, threads), rows.size());
        for (int i = 0; i < runners; i++) {
            pool.execute(b::run);
        }
        return b;
    }

    private void run() {
        for (int i = next.getAndIncrement(); i < results.length; i = next.getAndIncrement()) {
            PackerSupport.Fetched f;
            try {
                f = fetch.apply(rows.get(i));
            } catch (Throwable e) {   // as a failed future was: the row fails, the batch goes on
                f = PackerSupport.Fetched.failed("cannot read: " + e);
            }
            results[i] = f;
            done.countDown();
        }
    }

    /** Waits until every row is fetched; the results in the rows' order. */
    List<PackerSupport.Fetched> await() throws InterruptedException {
        done.await();
        return Arrays.asList(results);
    }
}
