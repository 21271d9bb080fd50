package io.stowage.des.ingest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class BatchFetchTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static List<SourceRow> rows(int n) {
        List<SourceRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new SourceRow("s", Integer.toString(i), (long) i, "b", "k" + i, 1, Instant.EPOCH, null, i % 16,
                    null));
        }
        return rows;
    }

    @Test
    void everyRowIsFetchedOnceAndTheResultsKeepTheRowsOrder() throws Exception {
        List<SourceRow> rows = rows(1000);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        List<PackerSupport.Fetched> got = BatchFetch.start(pool, 8, rows, r -> {
            calls.incrementAndGet();
            assertThat(seen.add(r.id())).isTrue();
            return new PackerSupport.Fetched(r.key().getBytes(), r.key().length(), null);
        }).await();
        assertThat(calls).hasValue(1000);
        assertThat(got).hasSize(1000);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(new String(got.get(i).bytes())).isEqualTo("k" + i);
        }
    }

    @Test
    void aFetchThatThrowsFailsItsRowAndTheOthersGoOn() throws Exception {
        List<PackerSupport.Fetched> got = BatchFetch.start(pool, 4, rows(50), r -> {
            if (r.id().equals("7")) {
                throw new IllegalStateException("boom on 7");
            }
            return new PackerSupport.Fetched(new byte[0], 0, null);
        }).await();
        assertThat(got.get(7).error()).isEqualTo("cannot read: java.lang.IllegalStateException: boom on 7");
        assertThat(got.stream().filter(f -> f.error() == null)).hasSize(49);
    }

    @Test
    void noMoreRunnersThanThreadsOrRowsAndTheWaitEndsOnlyWhenTheLastRowIsIn() throws Exception {
        AtomicInteger tasks = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        BatchFetch b = BatchFetch.start(r -> {
            tasks.incrementAndGet();
            pool.execute(r);
        }, 16, rows(3), r -> {
            if (r.id().equals("2")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new PackerSupport.Fetched(new byte[0], 0, null);
        });
        assertThat(tasks).hasValue(3);
        CountDownLatch waited = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try {
                b.await();
                waited.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        assertThat(waited.await(300, TimeUnit.MILLISECONDS)).isFalse();   // row 2 still fetching
        release.countDown();
        assertThat(waited.await(10, TimeUnit.SECONDS)).isTrue();

        AtomicInteger many = new AtomicInteger();
        BatchFetch.start(r -> {
            many.incrementAndGet();
            pool.execute(r);
        }, 4, rows(100), r -> new PackerSupport.Fetched(new byte[0], 0, null)).await();
        assertThat(many).hasValue(4);
    }
}
