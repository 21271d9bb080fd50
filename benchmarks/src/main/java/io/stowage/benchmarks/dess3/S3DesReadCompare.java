package io.stowage.benchmarks.dess3;

import io.stowage.des.s3.IndexCache;
import io.stowage.des.s3.S3DesReader;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * S3DesReader against EmbeddedS3, in one run on the same data:
 * <ol>
 *   <li>requests and latency of one cold read (new reader, nothing cached) vs a reference-style reader
 *   (HEAD + footer + index + payload) and of one warm read; ratios printed;</li>
 *   <li>cold-read latency for first-range sizes of 64 KiB, 256 KiB and 1 MiB (the default is chosen from this and
 *   from S3's cost model: a few hundred KiB cost about the same latency as 64 KiB);</li>
 *   <li>warm random reads of 4 KiB entries from 10 archives with 16 threads (reads/s).</li>
 * </ol>
 * Run: {@code java -cp benchmarks/target/benchmarks.jar io.stowage.benchmarks.dess3.S3DesReadCompare [entries]
 * [seconds]} (defaults: 2,000 entries per archive, 10 s of throughput).
 */
public final class S3DesReadCompare {
    private S3DesReadCompare() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int iterations = 300;
        System.out.printf(Locale.ROOT, "building 10 archives of %d x 4 KiB entries in EmbeddedS3 ...%n", entries);
        try (BenchStore st = new BenchStore(10, entries)) {
            SplittableRandom rnd = new SplittableRandom(11);
            // warm-up of the JIT, the HTTP pool and S3Proxy
            for (int i = 0; i < 100; i++) {
                S3DesReader.open(st.client, BenchStore.BUCKET, BenchStore.key(i % 10)).read(st.names[rnd.nextInt(entries)]);
                ReferenceStyleReader.read(st.client, BenchStore.BUCKET, BenchStore.key(i % 10),
                        st.names[rnd.nextInt(entries)]);
            }
            long[] ours = new long[iterations];
            long[] ref = new long[iterations];
            long oursReq = 0;
            long refReq = 0;
            long refHeads = 0;
            for (int i = 0; i < iterations; i++) {   // interleaved, so both see the same machine state
                String key = BenchStore.key(i % 10);
                String name = st.names[rnd.nextInt(entries)];
                long r0 = st.requests();
                long t0 = System.nanoTime();
                try (S3DesReader r = S3DesReader.open(st.client, BenchStore.BUCKET, key)) {
                    r.read(name);
                }
                ours[i] = System.nanoTime() - t0;
                oursReq += st.requests() - r0;
                long h0 = st.heads.sum();
                r0 = st.requests();
                t0 = System.nanoTime();
                ReferenceStyleReader.read(st.client, BenchStore.BUCKET, key, name);
                ref[i] = System.nanoTime() - t0;
                refReq += st.requests() - r0;
                refHeads += st.heads.sum() - h0;
            }
            System.out.println();
            System.out.println("cold read of one 4 KiB entry (index not cached), " + iterations + " reads each:");
            row("S3DesReader", oursReq, iterations, ours);
            row("reference-style (HEAD+footer+index+data)", refReq, iterations, ref);
            System.out.printf(Locale.ROOT, "  ratio reference/ours: requests %.2fx, mean time %.2fx, median %.2fx"
                            + " (HEADs sent by ours: 0, by reference: %d)%n",
                    (double) refReq / oursReq, mean(ref) / mean(ours), median(ref) / median(ours), refHeads);

            // warm: one reader per archive, index in memory
            S3DesReader[] warm = new S3DesReader[10];
            for (int a = 0; a < 10; a++) {
                warm[a] = S3DesReader.open(st.client, BenchStore.BUCKET, BenchStore.key(a));
            }
            long[] w = new long[iterations * 3];
            long r0 = st.requests();
            byte[] dst = new byte[BenchStore.SIZE];
            for (int i = 0; i < w.length; i++) {
                long t0 = System.nanoTime();
                warm[i % 10].read(st.names[rnd.nextInt(entries)], dst, 0);
                w[i] = System.nanoTime() - t0;
            }
            System.out.println("warm read (index cached):");
            row("S3DesReader", st.requests() - r0, w.length, w);
            System.out.printf(Locale.ROOT, "  ratio reference/ours (reference reads the same way cold or warm):"
                            + " requests %.2fx, mean time %.2fx%n",
                    (double) refReq / iterations / ((double) (st.requests() - r0) / w.length), mean(ref) / mean(w));

            System.out.println("first range (index of this archive: "
                    + warm[0].index().footer().tailLength() / 1024 + " KiB), cold read:");
            for (int fr : new int[] {64 << 10, 256 << 10, 1 << 20}) {
                long[] t = new long[iterations];
                long q0 = st.requests();
                for (int i = 0; i < iterations; i++) {
                    long t0 = System.nanoTime();
                    try (S3DesReader r = S3DesReader.builder(st.client, BenchStore.BUCKET, BenchStore.key(i % 10))
                            .firstRange(fr).open()) {
                        r.read(st.names[rnd.nextInt(entries)], dst, 0);
                    }
                    t[i] = System.nanoTime() - t0;
                }
                row("firstRange " + fr / 1024 + " KiB", st.requests() - q0, iterations, t);
            }

            // throughput: 16 threads, warm, random entries of 10 archives
            IndexCache cache = IndexCache.caffeine(64L << 20);
            S3DesReader[] readers = new S3DesReader[10];
            for (int a = 0; a < 10; a++) {
                readers[a] = S3DesReader.builder(st.client, BenchStore.BUCKET, BenchStore.key(a)).indexCache(cache)
                        .open();
            }
            LongAdder reads = new LongAdder();
            long q0 = st.requests();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (int t = 0; t < 16; t++) {
                int seed = t;
                pool.submit(() -> {
                    SplittableRandom tr = new SplittableRandom(seed);
                    byte[] b = new byte[BenchStore.SIZE];
                    while (System.nanoTime() < end) {
                        readers[tr.nextInt(10)].read(st.names[tr.nextInt(entries)], b, 0);
                        reads.increment();
                    }
                    return null;
                });
            }
            pool.shutdown();
            pool.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
            System.out.printf(Locale.ROOT, "warm random 4 KiB reads, 10 archives, 16 threads, %d s: %.0f reads/s"
                            + " (%.2f requests per read)%n", seconds, reads.sum() / (double) seconds,
                    (st.requests() - q0) / (double) reads.sum());
        }
    }

    static void row(String what, long requests, int reads, long[] nanos) {
        System.out.printf(Locale.ROOT, "  %-42s %.2f requests/read  mean %7.2f ms  median %7.2f ms  p99 %7.2f ms%n",
                what, (double) requests / reads, mean(nanos) / 1e6, median(nanos) / 1e6, pct(nanos, 0.99) / 1e6);
    }

    static double mean(long[] a) {
        return Arrays.stream(a).average().orElse(0);
    }

    static double median(long[] a) {
        return pct(a, 0.5);
    }

    static double pct(long[] a, double p) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.round(p * (s.length - 1)))];
    }
}
