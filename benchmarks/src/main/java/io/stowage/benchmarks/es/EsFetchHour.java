package io.stowage.benchmarks.es;

import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsFetchReport;
import io.stowage.es.EsSegmentStore;
import io.stowage.es.EsToTsParser;
import io.stowage.s3.EmbeddedS3;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;

/**
 * Fetches a 1-hour range (900 generated 4 s segments) from EmbeddedS3 sequentially (1 worker) and with N workers, in
 * the same run on the same data, and prints segments/s and the speed-up. Each run writes a real output file; the two
 * outputs must be identical.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.stowage.benchmarks.es.EsFetchHour [workers=16] [segments=900]
 *     [recordsPerSegment=68] [rounds=2] [addedLatencyMs=0]
 * </pre>
 *
 * <p>{@code addedLatencyMs} delays every GET by that much before it is sent, to model the round trip of a store
 * across a network (loopback S3Proxy answers in about a millisecond, so without it the run measures CPU).
 */
public final class EsFetchHour {
    private EsFetchHour() {
    }

    public static void main(String[] args) throws Exception {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 900;
        int records = args.length > 2 ? Integer.parseInt(args[2]) : 68; // ~90 KB like the reference segments
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        long latencyMs = args.length > 4 ? Long.parseLong(args[4]) : 0;
        Map<String, byte[]> segs = SyntheticSegments.generate(count, records, 7, 7);
        Path work = Files.createTempDirectory("es-fetch-hour-");
        try (EmbeddedS3 s3 = EmbeddedS3.builder().directory(work.resolve("s3")).bucket("cams").start();
             S3Client client = s3.settings().withMaxConnections(Math.max(64, 2 * workers)).newClient()) {
            ExecutorService up = Executors.newFixedThreadPool(16);
            List<Future<?>> fs = new ArrayList<>();
            for (Map.Entry<String, byte[]> e : segs.entrySet()) {
                fs.add(up.submit(() -> client.putObject(b -> b.bucket("cams").key("cam-01/" + e.getKey()),
                        RequestBody.fromBytes(e.getValue()))));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            up.shutdown();
            System.out.printf("uploaded %d segments, %d bytes, to %s (S3Proxy, filesystem backend)%n", count,
                    SyntheticSegments.totalBytes(segs), s3.endpoint());
            EsSegmentStore s3store = EsSegmentStore.s3(client, "cams", "cam-01/");
            EsSegmentStore store = latencyMs <= 0 ? s3store : new EsSegmentStore() {
                @Override
                public String location() {
                    return s3store.location();
                }

                @Override
                public SegmentData open(String key) {
                    try {
                        Thread.sleep(latencyMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return s3store.open(key);
                }

                @Override
                public List<String> list(String folder) {
                    return s3store.list(folder);
                }
            };
            if (latencyMs > 0) {
                System.out.printf("every GET delayed by %d ms (modelled network round trip)%n", latencyMs);
            }
            double seq = Double.MAX_VALUE;
            double par = Double.MAX_VALUE;
            long crcSeq = 0;
            long crcPar = 0;
            for (int round = 1; round <= rounds; round++) {
                for (int w : new int[] {1, workers}) {
                    Path out = work.resolve("out-" + w + "-" + round + ".ts");
                    long t0 = System.nanoTime();
                    EsFetchReport r = EsToTsParser.create(store, EsFetchOptions.defaults().withWorkers(w))
                            .fetch(SyntheticSegments.T0, SyntheticSegments.end(count), out);
                    double s = (System.nanoTime() - t0) / 1e9;
                    if (!r.complete() || r.segmentsFetched() != count) {
                        throw new IllegalStateException("fetch incomplete: " + r);
                    }
                    long crc = crc(out);
                    Files.delete(out);
                    System.out.printf("round %d, %2d worker(s): %d segments in %.2f s = %.0f segments/s, %.1f MB/s%n",
                            round, w, count, s, count / s, r.bytesWritten() / s / 1e6);
                    if (w == 1) {
                        seq = Math.min(seq, s);
                        crcSeq = crc;
                    } else {
                        par = Math.min(par, s);
                        crcPar = crc;
                    }
                }
            }
            if (crcSeq != crcPar) {
                throw new IllegalStateException("sequential and parallel outputs differ");
            }
            System.out.printf("best: sequential %.0f segments/s, %d workers %.0f segments/s, speed-up %.2fx"
                    + " (outputs identical)%n", count / seq, workers, count / par, seq / par);
        } finally {
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long crc(Path p) throws java.io.IOException {
        CRC32 c = new CRC32();
        try (var in = Files.newInputStream(p)) {
            byte[] b = new byte[1 << 20];
            int n;
            while ((n = in.read(b)) > 0) {
                c.update(b, 0, n);
            }
        }
        return c.getValue();
    }
}
