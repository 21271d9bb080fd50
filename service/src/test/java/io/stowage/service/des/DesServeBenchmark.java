package io.stowage.service.des;

import io.stowage.des.DesWriter;
import io.stowage.des.ingest.DesNameService;
import io.stowage.des.ingest.IngestDatabase;
import io.stowage.des.s3.IndexCache;
import io.stowage.des.s3.RedisIndexCache;
import io.stowage.des.s3.S3DesReader;
import io.stowage.des.s3.S3DesSink;
import io.stowage.s3.EmbeddedS3;
import io.stowage.s3.S3Settings;
import io.stowage.testing.core.PgSchema;
import io.stowage.testing.core.TestRedis;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measurements of #22 (not a test; run it on purpose):
 * {@code STOWAGE_BENCH_S3=http://127.0.0.1:9000 mvn -o -q verify -pl service -am -Dtest=DesServeBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs} with a separate {@code stowage s3 serve --dir D --port 9000
 * --bucket des-bench}. Prints warm {@code GET /files/{name}} of 4 KiB entries under 32 clients (requests/s, p50,
 * p99) beside a bare {@link S3DesReader} loop with the same 32 threads in the same run, and {@code /assign} names/s.
 */
class DesServeBenchmark {
    static final int CLIENTS = 32;
    static final int ENTRIES = 2000;
    static final Duration RUN = Duration.ofSeconds(Long.getLong("bench.seconds", 10));

    @Test
    void measure() throws Exception {
        String endpoint = System.getenv("STOWAGE_BENCH_S3");
        EmbeddedS3 embedded = null;
        S3Client s3;
        if (endpoint == null) {
            embedded = EmbeddedS3.builder().directory(Files.createTempDirectory("des-bench")).bucket("des-bench")
                    .start();
            s3 = embedded.newClient();
            endpoint = embedded.endpoint() + " (in-process)";
        } else {
            s3 = S3Settings.forEndpoint(URI.create(endpoint)).withMaxConnections(128).newClient();
        }
        String bucket = "des-bench";
        String key = "2025-01-15/shard_01.des";
        List<String> names = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        Random rnd = new Random(3);
        try (DesWriter w = DesWriter.builder(S3DesSink.builder(s3, bucket, key).overwrite(true).build()).overwrite(true)
                .build()) {
            for (int i = 0; i < ENTRIES; i++) {
                byte[] b = new byte[4096];
                rnd.nextBytes(b);
                w.add("e" + i + ".bin", b, Map.of("i", i));
                names.add(String.format("DES_20250115_(%012X_%02X)", 0x9000L + i, i & 0xff));
                entries.add("e" + i + ".bin");
            }
            w.finish();
        }
        try (PgSchema pg = PgSchema.create("des_bench"); IngestDatabase db = IngestDatabase.open(pg.url(), 16);
             RedisIndexCache redis = RedisIndexCache.builder(TestRedis.url()).keyPrefix(TestRedis.prefix(
                     DesServeBenchmark.class)).build()) {
            db.migrate();
            db.execute("INSERT INTO des_containers (id, shard_id, day, status, s3_key, file_count, data_bytes, "
                    + "created_at, finalized_at) VALUES (1, 1, DATE '2025-01-15', 'uploaded', ?, ?, 0, now(), now())",
                    key, ENTRIES);
            db.jdbi().useHandle(h -> {
                var b = h.prepareBatch("INSERT INTO des_entry_index (des_name, source_db, source_row_id, "
                        + "container_id, entry_name, created_at) VALUES (:n, 'bench', :n, 1, :e, now())");
                for (int i = 0; i < ENTRIES; i++) {
                    b.bind("n", names.get(i)).bind("e", entries.get(i)).add();
                }
                b.execute();
            });
            // bare loop: S3DesReader, warm index, 32 threads
            double[] bare;
            try (S3DesReader r = S3DesReader.builder(s3, bucket, key).indexCache(IndexCache.caffeine(16 << 20))
                    .open()) {
                bare = run(i -> r.read(entries.get(i % ENTRIES)).remaining());
            }
            double[] http;
            double assignRate;
            String wrk;
            try (DesServer server = DesServer.builder(db, s3, bucket).port(0).nodeId(1)
                    .indexCache(IndexCache.layered(IndexCache.caffeine(16 << 20), redis)).start()) {
                HttpClient client = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(CLIENTS)).build();
                String base = server.url() + "/files/";
                for (int i = 0; i < ENTRIES; i++) {   // warm: every location and the index
                    get(client, base, names.get(i));
                }
                http = run(i -> get(client, base, names.get(i % ENTRIES)));
                HttpRequest assign = HttpRequest.newBuilder(URI.create(server.url() + "/assign"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"prefix\":\"DES\"}")).build();
                double[] a = run(i -> {
                    HttpResponse<String> resp = client.send(assign, HttpResponse.BodyHandlers.ofString());
                    if (resp.statusCode() != 200) {
                        throw new IllegalStateException("assign " + resp.statusCode());
                    }
                    return resp.body().length();
                });
                assignRate = a[0];
                wrk = wrk(server.url(), names);
            }
            // the bare loop again, after the JIT and the store warmed up under the HTTP run; the better of the two
            try (S3DesReader r = S3DesReader.builder(s3, bucket, key).indexCache(IndexCache.caffeine(16 << 20))
                    .open()) {
                double[] again = run(i -> r.read(entries.get(i % ENTRIES)).remaining());
                if (again[0] > bare[0]) {
                    bare = again;
                }
            }
            double lib;
            try (DesNameService n = DesNameService.start(db, 2, 32, 8, Duration.ofSeconds(30))) {
                lib = run(i -> n.assign("DES", null).name().length())[0];
            }
            System.out.printf(Locale.ROOT, "%nDES serve benchmark (store %s, %d clients, %d s each, 4 KiB entries):%n",
                    endpoint, CLIENTS, RUN.toSeconds());
            System.out.printf(Locale.ROOT, "  bare S3DesReader loop : %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms%n",
                    bare[0], bare[1], bare[2]);
            System.out.printf(Locale.ROOT, "  GET /files/{name}     : %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  "
                    + "(%.0f %% of bare)%n", http[0], http[1], http[2], 100 * http[0] / bare[0]);
            System.out.printf(Locale.ROOT, "  POST /assign          : %8.0f names/s over HTTP (one instance)%n",
                    assignRate);
            System.out.printf(Locale.ROOT, "  DesNameService.assign : %8.0f names/s (library, %d threads)%n%n", lib,
                    CLIENTS);
            System.out.println(wrk);
        } finally {
            s3.close();
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** wrk (Debian's) against /files (cycling through the names) and /assign, when it is installed. */
    static String wrk(String url, List<String> names) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/wrk"))) {
            return "(wrk not installed: no wrk runs)";
        }
        Path dir = Files.createTempDirectory("des-wrk");
        StringBuilder lua = new StringBuilder("names = {");
        for (String n : names) {
            lua.append('"').append(n.replace("(", "%28").replace(")", "%29")).append("\",");
        }
        lua.append("}\ni = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", \"/files/\" .. "
                + "names[(i % #names) + 1])\nend\n");
        Files.writeString(dir.resolve("files.lua"), lua);
        Files.writeString(dir.resolve("assign.lua"), "wrk.method = \"POST\"\nwrk.body = '{\"prefix\":\"DES\"}'\n"
                + "wrk.headers[\"Content-Type\"] = \"application/json\"\n");
        StringBuilder out = new StringBuilder();
        for (String[] run : new String[][] {{"files.lua", "/files"}, {"assign.lua", "/assign"}}) {
            Process p = new ProcessBuilder("wrk", "-t2", "-c" + CLIENTS, "-d" + RUN.toSeconds() + "s", "--latency",
                    "-s", dir.resolve(run[0]).toString(), url + (run[1].equals("/assign") ? "/assign" : "/"))
                    .redirectErrorStream(true).start();
            out.append("wrk ").append(run[1]).append(":\n")
                    .append(new String(p.getInputStream().readAllBytes())).append('\n');
            p.waitFor();
        }
        return out.toString();
    }

    interface Op {
        int call(int i) throws Exception;
    }

    static int get(HttpClient client, String base, String name) throws Exception {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base + name.replace("(", "%28")
                .replace(")", "%29"))).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 || r.body().length != 4096) {
            throw new IllegalStateException("GET " + name + ": " + r.statusCode());
        }
        return r.body().length;
    }

    /** {@link #CLIENTS} threads calling {@code op} for {@link #RUN}: {requests/s, p50 ms, p99 ms}. */
    static double[] run(Op op) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long[][] lat = new long[CLIENTS][];
        int[] counts = new int[CLIENTS];
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(CLIENTS);
        long end = System.nanoTime() + RUN.toNanos();
        long t0 = System.nanoTime();
        for (int t = 0; t < CLIENTS; t++) {
            int id = t;
            pool.submit(() -> {
                long[] l = new long[1 << 20];
                int n = 0;
                int i = id * 7919;
                try {
                    while (System.nanoTime() < end && n < l.length) {
                        long s = System.nanoTime();
                        op.call(i++);
                        l[n++] = System.nanoTime() - s;
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    e.printStackTrace();
                } finally {
                    lat[id] = l;
                    counts[id] = n;
                    done.countDown();
                }
            });
        }
        done.await();
        double secs = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int k = 0;
        for (int t = 0; t < CLIENTS; t++) {
            System.arraycopy(lat[t], 0, all, k, counts[t]);
            k += counts[t];
        }
        Arrays.sort(all);
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " clients failed");
        }
        return new double[] {total / secs, all[total / 2] / 1e6, all[(int) (total * 0.99)] / 1e6};
    }
}
