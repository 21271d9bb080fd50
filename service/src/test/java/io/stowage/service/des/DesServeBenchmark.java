package io.stowage.service.des;

import io.stowage.des.DesWriter;
import io.stowage.des.ingest.DesFileService;
import io.stowage.des.ingest.DesNameService;
import io.stowage.des.ingest.IngestDatabase;
import io.stowage.des.ingest.NameIndex;
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

import java.io.InputStream;
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
 * --bucket des-bench}. Warm {@code GET /files/{name}} of 4 KiB entries under 32 clients (requests/s, p50, p99):
 * with a Java client, then with wrk beside a bare {@link S3DesReader} loop of 32 threads and a {@link DesFileService}
 * loop (what the handler calls, without HTTP) in the same run: after a warm-up of each side
 * ({@code -Dbench.warmup=15} s), {@code -Dbench.rounds=3} rounds of {@code -Dbench.seconds=10} in alternating order,
 * each side's best round compared. Every phase prints the CPU it cost per request: this JVM (user and kernel), the
 * store's process (found by its command line) and wrk's; on a machine whose cores are all busy these predict the
 * ratio better than requests/s. Also {@code /assign} names/s. {@code -Dbench.jfr=DIR} records each phase with JFR;
 * {@code -Dbench.wrkThreads=16,250,...} adds wrk rounds on servers with those HTTP threads.
 */
class DesServeBenchmark {
    static final int CLIENTS = 32;
    static final int ENTRIES = 2000;
    static final Duration RUN = Duration.ofSeconds(Long.getLong("bench.seconds", 10));
    static final Duration WARMUP = Duration.ofSeconds(Long.getLong("bench.warmup", 15));
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

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
            // bare loop: S3DesReader, warm index, 32 threads; the same reader in every round
            S3DesReader reader = S3DesReader.builder(s3, bucket, key).indexCache(IndexCache.caffeine(16 << 20))
                    .open();
            Op bareOp = i -> reader.read(entries.get(i % ENTRIES)).remaining();
            List<double[]> bares = new ArrayList<>();
            List<double[]> wrks = new ArrayList<>();
            // what the handler calls, without HTTP: DesFileService.open (name index cached) and the body read whole
            List<double[]> libs = new ArrayList<>();
            DesFileService fileService = DesFileService.builder(s3, bucket, NameIndex.of(db)::find)
                    .indexCache(IndexCache.caffeine(16 << 20)).build();
            Op libOp = i -> {
                try (DesFileService.FileStream f = fileService.open(names.get(i % ENTRIES), 0, -1).orElseThrow();
                     InputStream in = f.body()) {
                    return in.readAllBytes().length;
                }
            };
            bares.add(phase("bare0", () -> run(bareOp, RUN)));
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
                http = phase("http", () -> run(i -> get(client, base, names.get(i % ENTRIES)), RUN));
                HttpRequest assign = HttpRequest.newBuilder(URI.create(server.url() + "/assign"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"prefix\":\"DES\"}")).build();
                double[] a = run(i -> {
                    HttpResponse<String> resp = client.send(assign, HttpResponse.BodyHandlers.ofString());
                    if (resp.statusCode() != 200) {
                        throw new IllegalStateException("assign " + resp.statusCode());
                    }
                    return resp.body().length();
                }, RUN);
                assignRate = a[0];
                // a warm-up for each side (not measured: the JIT compiles the paths wrk takes), then bare and wrk
                // in turn, ROUNDS times; each side's best round counts
                run(bareOp, WARMUP);
                StringBuilder w = new StringBuilder();
                wrk(server.url(), names, "/files", WARMUP, " (warm-up, not counted)", new double[1][]);
                for (int k = 1; k <= ROUNDS; k++) {   // odd rounds bare first, even ones wrk first: drift evens out
                                        double[][] r = new double[1][];
                    if (k % 2 == 0) {
                        w.append(wrk(server.url(), names, "/files", RUN, " (round " + k + ")", r));
                    }
                    bares.add(phase("bare" + k, () -> run(bareOp, RUN)));
                    libs.add(phase("lib" + k, () -> run(libOp, RUN)));
                    if (k % 2 == 1) {
                        w.append(wrk(server.url(), names, "/files", RUN, " (round " + k + ")", r));
                    }
                    wrks.add(r[0]);
                }
                w.append(wrk(server.url(), names, "/assign", RUN, "", new double[1][]));
                wrk = w.toString();
            }
            reader.close();
            fileService.close();
            // -Dbench.wrkThreads=16,250,16,250: wrk /files rounds on servers with those HTTP threads, in turn (A/B)
            String ab = System.getProperty("bench.wrkThreads", "");
            if (!ab.isBlank()) {
                List<Integer> threads = Arrays.stream(ab.split(",")).map(String::strip).map(Integer::valueOf).toList();
                Map<Integer, DesServer> servers = new java.util.LinkedHashMap<>();
                HttpClient client = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(CLIENTS)).build();
                try {
                    for (int t : threads) {
                        if (!servers.containsKey(t)) {
                            DesServer s = DesServer.builder(db, s3, bucket).port(0).nodeId(10 + servers.size())
                                    .httpThreads(t).indexCache(IndexCache.layered(IndexCache.caffeine(16 << 20), redis))
                                    .start();
                            servers.put(t, s);
                            for (int i = 0; i < ENTRIES; i++) {
                                get(client, s.url() + "/files/", names.get(i));
                            }
                        }
                    }
                    StringBuilder sb = new StringBuilder(wrk);
                    for (int t : threads) {
                        sb.append(wrk(servers.get(t).url(), names, "/files", RUN, " (" + t + " HTTP threads)",
                                new double[1][]));
                    }
                    wrk = sb.toString();
                } finally {
                    servers.values().forEach(DesServer::close);
                }
            }
            double[] bare = bares.stream().max(java.util.Comparator.comparingDouble(x -> x[0])).orElseThrow();
            double[] wrkFiles = wrks.stream().max(java.util.Comparator.comparingDouble(x -> x[0])).orElseThrow();
            double lib;
            try (DesNameService n = DesNameService.start(db, 2, 32, 8, Duration.ofSeconds(30))) {
                lib = run(i -> n.assign("DES", null).name().length(), RUN)[0];
            }
            System.out.printf(Locale.ROOT, "%nDES serve benchmark (store %s, %d clients, %d s each, 4 KiB entries):%n",
                    endpoint, CLIENTS, RUN.toSeconds());
            System.out.printf(Locale.ROOT, "  bare S3DesReader loop : %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %s%n",
                    bare[0], bare[1], bare[2], cpu(bare));
            System.out.printf(Locale.ROOT, "  GET /files/{name}     : %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  "
                    + "(%.0f %% of bare)  %s (JVM: server and Java client)%n", http[0], http[1], http[2],
                    100 * http[0] / bare[0], cpu(http));
            System.out.printf(Locale.ROOT, "  POST /assign          : %8.0f names/s over HTTP (one instance)%n",
                    assignRate);
            System.out.printf(Locale.ROOT, "  DesNameService.assign : %8.0f names/s (library, %d threads)%n%n", lib,
                    CLIENTS);
            System.out.println(wrk);
            for (int k = 0; k < bares.size(); k++) {
                double[] r = bares.get(k);
                System.out.printf(Locale.ROOT, "  bare round %d%s: %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %s%n", k,
                        k == 0 ? " (before any HTTP, cold)" : "", r[0], r[1], r[2], cpu(r));
            }
            for (int k = 0; k < libs.size(); k++) {
                double[] r = libs.get(k);
                System.out.printf(Locale.ROOT, "  DesFileService round %d: %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %s%n",
                        k + 1, r[0], r[1], r[2], cpu(r));
            }
            for (int k = 0; k < wrks.size(); k++) {
                double[] r = wrks.get(k);
                System.out.printf(Locale.ROOT, "  wrk /files round %d : %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %s%n",
                        k + 1, r[0], r[1], r[2], cpu(r));
            }
            System.out.printf(Locale.ROOT, "  best bare S3DesReader loop : %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms%n",
                    bare[0], bare[1], bare[2]);
            System.out.printf(Locale.ROOT, "  best wrk GET /files/{name} : %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  "
                    + "(%.0f %% of bare)%n", wrkFiles[0], wrkFiles[1], wrkFiles[2], 100 * wrkFiles[0] / bare[0]);
            System.out.printf(Locale.ROOT, "load average at the end: %s%n", Files.readString(Path.of("/proc/loadavg"))
                    .strip());
        } finally {
            s3.close();
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    static double wrkLatency(String text, String pct) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s" + pct + "\\s+([\\d.]+)(us|ms|s)")
                .matcher(text);
        if (!m.find()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    /**
     * One wrk run (Debian's) of {@code path} ({@code /files}: cycling through the names; {@code /assign}) for
     * {@code d}; its numbers in {@code result[0]} ({@link #phase}'s), its report returned.
     */
    static String wrk(String url, List<String> names, String path, Duration d, String label, double[][] result)
            throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/wrk"))) {
            throw new IllegalStateException("wrk is not installed (apt-get install wrk): the /files goal is measured"
                    + " with it");
        }
        Path dir = Files.createTempDirectory("des-wrk");
        StringBuilder lua = new StringBuilder("names = {");
        for (String n : names) {
            lua.append('"').append(n.replace("(", "%28").replace(")", "%29")).append("\",");
        }
        // the requests are formatted once, not per request: wrk shares the CPU with the service and the store
        // (in init: wrk knows the Host header by then)
        lua.append("}\nreqs = {}\ninit = function(args)\n  for k, n in ipairs(names) do reqs[k] = wrk.format(\"GET\", "
                + "\"/files/\" .. n) end\nend\ni = 0\nrequest = function()\n  i = i + 1\n  return reqs[(i % #reqs) + 1]\n"
                + "end\n");
        Files.writeString(dir.resolve("files.lua"), lua);
        Files.writeString(dir.resolve("assign.lua"), "wrk.method = \"POST\"\nwrk.body = '{\"prefix\":\"DES\"}'\n"
                + "wrk.headers[\"Content-Type\"] = \"application/json\"\n");
        boolean files = path.equals("/files");
        String target = url + (files ? "/" : "/assign");
        // sh reports its waited-for child's CPU (cutime + cstime) after wrk ends: wrk's own cost per request
        String cmd = "wrk -t2 -c" + CLIENTS + " -d" + d.toSeconds() + "s --latency -s "
                + dir.resolve(files ? "files.lua" : "assign.lua") + " " + target
                + "; echo; echo STAT $(cat /proc/$$/stat)";
        String[] text = new String[1];
        double[] r = phase("wrk" + path.replace('/', '-') + label.replaceAll("\\W+", "-"), () -> {
            Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
            text[0] = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) requests in ([\\d.]+)s")
                    .matcher(text[0]);
            if (!m.find() || text[0].contains("Non-2xx") || text[0].contains("Socket errors")) {
                throw new IllegalStateException("wrk failed or saw errors:\n" + text[0]);
            }
            return new double[] {Double.parseDouble(m.group(1)) / Double.parseDouble(m.group(2)),
                    wrkLatency(text[0], "50%"), wrkLatency(text[0], "99%"), Double.parseDouble(m.group(1))};
        });
        result[0] = r;
        String stat = text[0].substring(text[0].lastIndexOf("STAT ") + 5).strip();
        double wrkCpu = procCpuNanos(stat, 16) / 1e6 / r[3];
        return "wrk " + path + label + ":\n" + text[0].substring(0, text[0].lastIndexOf("STAT "))
                + String.format(Locale.ROOT, "  => %.0f req/s  p50 %.2f ms  p99 %.2f ms  %s, wrk %.3f ms%n%n",
                r[0], r[1], r[2], cpu(r), wrkCpu);
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
    static double[] run(Op op, Duration duration) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        long[][] lat = new long[CLIENTS][];
        int[] counts = new int[CLIENTS];
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(CLIENTS);
        long end = System.nanoTime() + duration.toNanos();
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
        return new double[] {total / secs, all[total / 2] / 1e6, all[(int) (total * 0.99)] / 1e6, total};
    }

    interface Phase {
        double[] run() throws Exception;
    }

    /**
     * Runs a measurement and adds the CPU it cost per request: {..., this JVM's CPU ms per request, the separate
     * store's CPU ms per request (NaN when its process is not found)}. With {@code -Dbench.jfr=DIR} the phase is
     * recorded (JFR, profile settings) into {@code DIR/<name>.jfr}.
     */
    static double[] phase(String name, Phase p) throws Exception {
        String dir = System.getProperty("bench.jfr");
        if (dir != null) {
            Files.createDirectories(Path.of(dir));
            jcmd("JFR.start", "name=" + name, "settings=profile");
        }
        long jvm0 = jvmCpuNanos();
        long sys0 = jvmSysNanos();
        long s30 = storeCpuNanos();
        double[] r = p.run();
        long jvm = jvmCpuNanos() - jvm0;
        long sys = jvmSysNanos() - sys0;
        long s3 = storeCpuNanos() - s30;
        if (dir != null) {
            jcmd("JFR.stop", "name=" + name, "filename=" + Path.of(dir, name + ".jfr").toAbsolutePath());
        }
        double n = r[3];
        return new double[] {r[0], r[1], r[2], n, jvm / 1e6 / n, s30 < 0 ? Double.NaN : s3 / 1e6 / n, sys / 1e6 / n};
    }

    static String cpu(double[] r) {
        return String.format(Locale.ROOT, "CPU/request: JVM %.3f ms (%.3f of it in the kernel), store %.3f ms", r[4],
                r[6], r[5]);
    }

    /** This JVM's CPU in the kernel (stime), in ns. */
    static long jvmSysNanos() throws java.io.IOException {
        String st = Files.readString(Path.of("/proc/self/stat"));
        return Long.parseLong(st.substring(st.lastIndexOf(')') + 2).strip().split(" ")[15 - 3]) * 10_000_000L;
    }

    static long jvmCpuNanos() throws java.io.IOException {
        return procCpuNanos(Files.readString(Path.of("/proc/self/stat")), 14);
    }

    /** {@code jcmd <this JVM> args} (JFR through the tool: the test module does not read jdk.jfr). */
    static void jcmd(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(ProcessHandle.current().pid())));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        }
    }

    /** CPU of the separate {@code stowage s3 serve} (found by its command line and port), or -1. */
    static long storeCpuNanos() {
        String endpoint = System.getenv("STOWAGE_BENCH_S3");
        if (endpoint == null) {
            return -1;
        }
        String port = Integer.toString(URI.create(endpoint).getPort());
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) procs::iterator) {
                if (!d.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    List<String> argv = Arrays.asList(Files.readString(d.resolve("cmdline")).split("\0"));
                    int i = argv.indexOf("--port");
                    if (argv.contains("serve") && argv.contains("s3") && i >= 0 && i + 1 < argv.size()
                            && argv.get(i + 1).equals(port)) {
                        return procCpuNanos(Files.readString(d.resolve("stat")), 14);
                    }
                } catch (java.io.IOException gone) {
                    // a process that ended while listed
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Fields {@code field} and {@code field + 1} of a /proc/PID/stat line (14: utime + stime; 16: cutime + cstime,
     * the children waited for), in ns.
     */
    static long procCpuNanos(String stat, int field) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");   // f[0] is field 3
        return (Long.parseLong(f[field - 3]) + Long.parseLong(f[field - 2])) * 10_000_000L;   // USER_HZ 100
    }
}
