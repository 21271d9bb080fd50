package io.stowage.benchmarks.desingest;

import io.stowage.des.ingest.DesPacker;
import io.stowage.des.ingest.IngestDatabase;
import io.stowage.des.ingest.PackerOptions;
import io.stowage.des.ingest.PackerReport;
import io.stowage.des.ingest.SourceConfig;
import io.stowage.des.ingest.SourceConnector;
import io.stowage.s3.S3Objects;
import io.stowage.s3.S3Settings;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.InputStream;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * End-to-end packing of N 4 KiB objects from a separate S3 endpoint, listed in PostgreSQL, with 1, 2 and 3 packers
 * (threads of this process, each its own DesPacker, holder and connections), against a bare parallel GET loop over
 * the same objects in the same run: ROUNDS rounds (default 5) alternating a GET loop and the packers, each side's best
 * round compared. Prints rows/s, MB/s and where the packers' time went.
 * <pre>java -cp benchmarks.jar io.stowage.benchmarks.desingest.DesIngestCompare ENDPOINT PG_URL [N] [GET_THREADS] [BATCH] [MAX_PACKERS] [ROUNDS]</pre>
 */
public final class DesIngestCompare {
    private DesIngestCompare() {}

    /** Pack runs so far: each its own schema. */
    private static final AtomicInteger RUNS = new AtomicInteger();

    /** batch_size of the source. */
    static int batch = 500;

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String pgBase = args[1];
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        batch = args.length > 4 ? Integer.parseInt(args[4]) : 500;
        int maxPackers = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        int rounds = args.length > 6 ? Integer.parseInt(args[6]) : 5;
        S3Client s3 = S3Settings.forEndpoint(endpoint).withMaxConnections(64).newClient();
        String bucket = "ingest-src";
        try {
            s3.createBucket(CreateBucketRequest.builder().bucket(bucket).build());
        } catch (RuntimeException ignored) {
            // exists from an earlier run
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add("cam" + (i % 50) + "/2025/01/15/img_" + i + ".jpg");
        }
        System.err.println("uploading " + n + " objects of 4 KiB ...");
        parallel(keys, threads, k -> {
            byte[] b = new byte[4096];
            new Random(k.hashCode()).nextBytes(b);
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(k).build(), RequestBody.fromBytes(b));
        });
        getLoop(s3, bucket, keys, threads);     // warm-up: JIT, connections, the store's caches
        getLoop(s3, bucket, keys, threads);
        // warm-up pack (not reported): JIT of the packer, driver and SDK paths, as the GET loop had its warm-up
        pack(s3, bucket, keys.subList(0, Math.min(keys.size(), Math.max(1000, keys.size() / 5))), pgBase, 1, endpoint);
        // Rounds alternate the two sides (a GET loop, then 1..MAX packers) and each side's best round is compared: the
        // store keeps getting faster for a while (its JIT, the page cache), so one GET loop before and one after the
        // packers (the earlier method) compared the packers with a mean of a cold and a hot store.
        double get = 0;
        double[][] best = new double[maxPackers][];
        for (int round = 1; round <= rounds; round++) {
            double g = getLoop(s3, bucket, keys, threads);
            System.out.printf("round %d: bare GET loop (%d threads): %.0f objects/s, %.1f MB/s%n", round, threads, g,
                    g * 4096 / 1e6);
            get = Math.max(get, g);
            for (int packers = 1; packers <= maxPackers; packers++) {
                double[] r = pack(s3, bucket, keys, pgBase, packers, endpoint);
                if (best[packers - 1] == null || r[0] > best[packers - 1][0]) {
                    best[packers - 1] = r;
                }
            }
        }
        System.out.printf("bare GET loop best of %d rounds: %.0f objects/s, %.1f MB/s%n", rounds, get,
                get * 4096 / 1e6);
        System.out.println();
        // each packer count's best round; source db .. upload: shares of the five summed (the database seconds summed
        // over the packer's threads: the claim thread's overlap the loop thread's); db wait (loop) and db summed: of
        // the packers' wall time (wall x packers): the loop thread's wait for the databases (critical path) and every
        // thread's database seconds
        System.out.println("| packers | rows/s | MB/s | vs bare GET | source db | state db | S3 GETs | packing | upload "
                + "| db wait, loop thread (of wall) | db summed (of wall) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < best.length; i++) {
            double[] r = best[i];
            double total = r[2] + r[3] + r[4] + r[5] + r[6];
            double wallAll = r[8] * (i + 1);
            System.out.printf("| %d | %.0f | %.1f | %.0f %% | %.0f %% | %.0f %% | %.0f %% | %.0f %% | %.0f %% | %.0f %% "
                    + "| %.0f %% |%n", i + 1, r[0], r[1], 100 * r[0] / get, 100 * r[2] / total, 100 * r[3] / total,
                    100 * r[4] / total, 100 * r[5] / total, 100 * r[6] / total, 100 * r[7] / wallAll,
                    100 * (r[2] + r[3]) / wallAll);
        }
        s3.close();
    }

    interface Task {
        void run(String key) throws Exception;
    }

    static void parallel(List<String> keys, int threads, Task t) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                fs.add(pool.submit(() -> {
                    for (int j = next.getAndIncrement(); j < keys.size(); j = next.getAndIncrement()) {
                        t.run(keys.get(j));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static double getLoop(S3Client s3, String bucket, List<String> keys, int threads) throws Exception {
        S3Objects o = S3Objects.create(s3);
        long t0 = System.nanoTime();
        parallel(keys, threads, k -> {
            try (InputStream in = o.get(bucket, k)) {
                in.readAllBytes();
            }
        });
        return keys.size() / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * rows/s, MB/s, then seconds in source db, state db, GETs, packing, upload, the loop threads' database wait (summed
     * over packers), then the wall time.
     */
    static double[] pack(S3Client s3, String bucket, List<String> keys, String pgBase, int packers, URI endpoint)
            throws Exception {
        String schema = "bench_ingest_" + ProcessHandle.current().pid() + "_" + packers + "_" + keys.size() + "_"
                + RUNS.incrementAndGet();
        String url = pgBase + (pgBase.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        String archive = "ingest-arch-" + packers + "-" + System.nanoTime() % 1000000;
        s3.createBucket(CreateBucketRequest.builder().bucket(archive).build());
        try (Connection c = DriverManager.getConnection(pgBase); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            s.execute("CREATE TABLE " + schema + ".files (id BIGSERIAL PRIMARY KEY, s3_bucket VARCHAR(255), s3_key "
                    + "VARCHAR(1024), size_bytes BIGINT, status VARCHAR(32), created_at TIMESTAMPTZ, claimed_by "
                    + "VARCHAR(128), claimed_at TIMESTAMPTZ, packed_at TIMESTAMPTZ, des_name VARCHAR(255), "
                    + "des_container_id INTEGER)");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".files (s3_bucket, s3_key, "
                    + "size_bytes, status, created_at) VALUES (?, ?, 4096, 'pending', now())")) {
                for (String k : keys) {
                    ps.setString(1, bucket);
                    ps.setString(2, k);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
        String yaml = "sources:\n  - name: bench\n    batch_size: " + batch + "\n    shard_bits: 4\n    connection: {type: "
                + "postgres, host: 127.0.0.1, port: 5432, database: test, username: postgres, password: \"\"}\n"
                + "    table: {name: files, schema: " + schema + ", columns: {id: id, s3_bucket: s3_bucket, "
                + "s3_key: s3_key, size_bytes: size_bytes, created_at: created_at}}\n";
        SourceConfig.Source src = SourceConfig.parse(yaml, "bench", Map.of()).sources().get(0);
        List<PackerReport> reports = new ArrayList<>();
        long t0;
        try (IngestDatabase db = IngestDatabase.open(url, 4 * packers)) {
            db.migrate();
            ExecutorService pool = Executors.newFixedThreadPool(packers);
            List<Future<PackerReport>> fs = new ArrayList<>();
            t0 = System.nanoTime();
            for (int i = 0; i < packers; i++) {
                String holder = "bench-" + packers + "-" + i;
                fs.add(pool.submit(() -> {
                    S3Client client = S3Settings.forEndpoint(endpoint).withMaxConnections(64).newClient();
                    try (SourceConnector sc = SourceConnector.open(src);
                         DesPacker p = DesPacker.create(db, List.of(sc), client, PackerOptions.defaults(archive)
                                 .withHolder(holder).withExitWhenIdle(true).withIdleFinalize(Duration.ofMillis(500))
                                 .withPollInterval(Duration.ofMillis(100)).withFetchThreads(16)
                                 .withLockTtl(Duration.ofSeconds(10)))) {
                        return p.run();
                    } finally {
                        client.close();
                    }
                }));
            }
            for (Future<PackerReport> f : fs) {
                reports.add(f.get());
            }
            pool.shutdownNow();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        long files = reports.stream().mapToLong(PackerReport::filesPacked).sum();
        if (files != keys.size()) {
            throw new IllegalStateException(packers + " packers packed " + files + " of " + keys.size());
        }
        double[] r = new double[9];
        // time to the last row packed: the packers' exit adds one idle poll and the final check
        r[0] = files / wall;
        r[1] = files * 4096 / wall / 1e6;
        for (PackerReport p : reports) {
            r[2] += p.sourceDbSeconds();
            r[3] += p.stateDbSeconds();
            r[4] += p.fetchSeconds();
            r[5] += p.packSeconds();
            r[6] += p.uploadSeconds();
            r[7] += p.loopDbWaitSeconds();
        }
        r[8] = wall;
        System.out.printf("%d packer(s): %d rows in %.1f s: %.0f rows/s, %.1f MB/s%n", packers, files, wall, r[0],
                r[1]);
        try (Connection c = DriverManager.getConnection(pgBase); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
        return r;
    }
}
