package io.stowage.des.s3;

import io.stowage.testing.EmbeddedS3Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 8 threads read one reader while the archive is replaced twice under them (other sizes, other offsets): every
 * answer is the whole payload of one version, never bytes at a stale offset; a read the store serves torn (S3Proxy's
 * filesystem backend does not replace objects atomically with their ETag) is caught by its checksum and repeated
 * when a HEAD shows the new ETag, or else fails with a checksum error.
 * Bounded: 8 x 150 reads.
 */
class S3DesReaderConcurrencyTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @TempDir
    Path tmp;

    static Map<String, byte[]> version(int v) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        if (v == 1) {
            m.put("pad", Fixtures.payload(424242, 3000));   // shifts every offset
        }
        for (int i = 0; i < 60; i++) {
            m.put(String.format("e%04d", i), Fixtures.payload(v * 1000 + i, 500 + 37 * v + i));
        }
        return m;
    }

    @Test
    void readsDuringReplacementAlwaysReturnOneWholeVersion() throws Exception {
        List<Map<String, byte[]>> versions = List.of(version(0), version(1), version(2));
        List<byte[]> archives = new ArrayList<>();
        for (Map<String, byte[]> v : versions) {
            archives.add(Fixtures.archive(tmp, v, true));
        }
        Fixtures.put(S3.client(), S3.bucket(), "live.des", archives.get(0));
        // the archive is replaced once 400 and once 800 of the 1,200 reads are done (latches, not sleeps)
        java.util.concurrent.CountDownLatch done400 = new java.util.concurrent.CountDownLatch(400);
        java.util.concurrent.CountDownLatch done800 = new java.util.concurrent.CountDownLatch(800);
        Runnable done = () -> {
            done400.countDown();
            done800.countDown();
        };
        AtomicInteger tornReads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (S3DesReader r = S3DesReader.builder(S3.client(), S3.bucket(), "live.des")
                .indexCache(IndexCache.caffeine(4L << 20)).open()) {
            List<Future<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                tasks.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    int checked = 0;
                    for (int i = 0; i < 150; i++) {
                        String name = String.format("e%04d", rnd.nextInt(60));
                        byte[] got;
                        try {
                            if (i % 10 == 0) {
                                ByteBuffer b = r.readAll(List.of(name, "e0000")).get(name);
                                got = Fixtures.bytes(b);
                            } else {
                                got = Fixtures.bytes(r.read(name));
                            }
                        } catch (io.stowage.des.DesChecksumException torn) {
                            // S3Proxy's filesystem store can serve the new object's bytes under the old ETag for a
                            // moment (If-Match passes): the reader must catch that by CRC, never return those bytes
                            tornReads.incrementAndGet();
                            checked++;
                            done.run();
                            continue;
                        }
                        boolean matches = false;
                        for (Map<String, byte[]> v : versions) {
                            matches |= Arrays.equals(got, v.get(name));
                        }
                        assertThat(matches).as("%s: %d bytes match no version", name, got.length).isTrue();
                        checked++;
                        done.run();
                    }
                    return checked;
                }));
            }
            java.util.concurrent.CountDownLatch[] at = {done400, done800};
            for (int v = 1; v < 3; v++) {
                assertThat(at[v - 1].await(120, TimeUnit.SECONDS)).as("reads done before version %d", v).isTrue();
                Fixtures.put(S3.client(), S3.bucket(), "live.des", archives.get(v));
            }
            int total = 0;
            for (Future<Integer> f : tasks) {
                total += f.get(120, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(8 * 150);
            assertThat(tornReads.get()).as("reads that failed their checksum").isLessThan(total / 2);
            // after the dust settles the reader is on the last version
            assertThat(Fixtures.bytes(r.read("e0007"))).isEqualTo(versions.get(2).get("e0007"));
            assertThat(r.stats().reloads()).isBetween(1L, 2L);
        } finally {
            pool.shutdownNow();
        }
    }
}
