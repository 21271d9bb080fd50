package io.stowage.benchmarks.dess3;

import io.stowage.des.s3.IndexCache;
import io.stowage.des.s3.S3DesReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Warm random reads of 4 KiB entries from 10 archives in EmbeddedS3 with 16 threads: one ranged GET per read (the
 * index is cached). Measures the whole path: SDK, loopback HTTP, S3Proxy, CRC-32C check.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar S3DesWarmReadBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@Threads(16)
public class S3DesWarmReadBenchmark {
    /** Entries per archive. */
    @Param({"2000"})
    public int entries;

    private BenchStore store;
    private S3DesReader[] readers;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        store = new BenchStore(10, entries);
        IndexCache cache = IndexCache.caffeine(64L << 20);
        readers = new S3DesReader[10];
        for (int a = 0; a < 10; a++) {
            readers[a] = S3DesReader.builder(store.client, BenchStore.BUCKET, BenchStore.key(a)).indexCache(cache)
                    .open();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
    }

    /** Per-thread random source and buffer. */
    @State(Scope.Thread)
    public static class PerThread {
        final SplittableRandom rnd = new SplittableRandom(Thread.currentThread().getId());
        final byte[] dst = new byte[BenchStore.SIZE];
    }

    @Benchmark
    public int warmRandomRead(PerThread t) {
        return readers[t.rnd.nextInt(10)].read(store.names[t.rnd.nextInt(entries)], t.dst, 0);
    }
}
