package io.stowage.benchmarks.s3;

import io.stowage.s3.DownloadOptions;
import io.stowage.s3.EmbeddedS3;
import io.stowage.s3.ParallelDownloader;
import io.stowage.s3.ParallelUploader;
import io.stowage.s3.S3Location;
import io.stowage.s3.S3Settings;
import io.stowage.s3.SkipPolicy;
import io.stowage.s3.TransferReport;
import io.stowage.s3.UploadOptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.CompletedDirectoryDownload;
import software.amazon.awssdk.transfer.s3.model.CompletedDirectoryUpload;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Uploads and downloads the same tree to/from the same EmbeddedS3 with {@code ParallelUploader}/{@code
 * ParallelDownloader}, the SDK's {@code S3TransferManager} (upload/downloadDirectory) and rclone (if on the PATH,
 * {@code --transfers} = workers), in one run, and prints files/s, MB/s and the ratios. Then re-runs the uploads of
 * stowage and rclone over the uploaded tree (the skip check) and times a bare listing of the prefix: the server's
 * (S3Proxy's) share of the skip check.
 *
 * <pre>
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar io.stowage.benchmarks.s3.UploadCompare FILES SIZE_BYTES [workers=16] [rounds=1]
 *   e.g. 10000 16384   (small files)   or   20 67108864   (big files)
 * </pre>
 */
public final class UploadCompare {
    private UploadCompare() {
    }

    /**
     * One timed run. {@code serverCpu}: CPU seconds of S3Proxy's threads (this JVM) during the run; {@code clientCpu}:
     * the rest of this JVM but its compiler threads (the Java tools and their GC) or rclone's own CPU (its process);
     * {@code jitCpu}: this JVM's compiler threads (compiling the server's code and the Java tools').
     */
    record Result(String tool, String what, double seconds, long files, long bytes, double serverCpu,
                  double clientCpu, double jitCpu) {
        /** This run followed by a {@code sync} that took {@code syncSeconds} (its CPU is the kernel's, not counted). */
        Result synced(double syncSeconds) {
            return new Result(tool + "+sync", what, seconds + syncSeconds, files, bytes, serverCpu, clientCpu,
                    jitCpu);
        }

        String line(Result base) {
            return String.format(Locale.ROOT, "%-9s %-11s %8.2f s %9.0f files/s %8.1f MB/s   cpu: server %6.2f s "
                            + "client %6.2f s (%.2f + %.2f ms/file; JIT %.2f s)%s", what, tool, seconds, files / seconds,
                    bytes / seconds / 1e6, serverCpu, clientCpu, serverCpu * 1e3 / files, clientCpu * 1e3 / files,
                    jitCpu,
                    base == null || base == this ? "" : String.format(Locale.ROOT, "   stowage/%s = %.2fx",
                            tool, seconds / base.seconds));
        }
    }

    /** CPU time of this JVM, split into S3Proxy's threads and everything else, plus rclone's children. */
    static final class Cpu {
        static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        static final AtomicLong CHILD_NANOS = new AtomicLong();
        final Map<Long, Long> server = new HashMap<>();
        final long process;
        final long child;
        final long jit = jitNanos();
        final long t0 = System.nanoTime();

        Cpu() {
            for (ThreadInfo ti : THREADS.dumpAllThreads(false, false)) {
                if (ti.getThreadName().startsWith("S3Proxy")) {
                    server.put(ti.getThreadId(), Math.max(0, THREADS.getThreadCpuTime(ti.getThreadId())));
                }
            }
            process = OS.getProcessCpuTime();
            child = CHILD_NANOS.get();
        }

        Result result(String tool, String what, long files, long bytes) {
            double secs = (System.nanoTime() - t0) / 1e9;
            long serverNanos = 0;
            for (ThreadInfo ti : THREADS.dumpAllThreads(false, false)) {
                if (ti.getThreadName().startsWith("S3Proxy")) {
                    long now = THREADS.getThreadCpuTime(ti.getThreadId());
                    serverNanos += Math.max(0, now - server.getOrDefault(ti.getThreadId(), 0L));
                }
            }
            long proc = OS.getProcessCpuTime() - process;
            long childNanos = CHILD_NANOS.get() - child;
            long jitNow = jitNanos() - jit;
            double client = tool.equals("rclone") ? childNanos / 1e9 : (proc - serverNanos - jitNow) / 1e9;
            return new Result(tool, what, secs, files, bytes, serverNanos / 1e9, client, jitNow / 1e9);
        }

        /**
         * CPU of this JVM's compiler threads (C1, C2), read from /proc (they are not Java threads); 0 elsewhere. Part
         * of a Java tool's client CPU, and it compiles the in-process server's code too.
         */
        static long jitNanos() {
            long ticks = 0;
            try (java.nio.file.DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path t : tasks) {
                    try {
                        String stat = Files.readString(t.resolve("stat"));
                        int close = stat.lastIndexOf(')');
                        String comm = stat.substring(stat.indexOf('(') + 1, close);
                        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                            String[] f = stat.substring(close + 2).split(" ");
                            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                        }
                    } catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException e) {
                return 0;
            }
            return ticks * 10_000_000L; // USER_HZ = 100 on Linux
        }
    }

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 16 * 1024;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Path work = Files.createTempDirectory("s3-compare-");
        Path src = work.resolve("src");
        generate(src, files, size);
        long bytes = (long) files * size;
        System.out.printf(Locale.ROOT, "tree: %d files x %d bytes = %.1f MB, %d workers, %d round(s)%n", files, size,
                bytes / 1e6, workers, rounds);
        List<String> tools = List.of(System.getProperty("compare.tools", "stowage,stowage-sdk,tm,rclone").split(","));
        boolean rclone = tools.contains("rclone") && onPath("rclone");
        List<String> order = new ArrayList<>();
        for (String t : List.of("stowage", "stowage-sdk", "tm", "rclone")) {
            if (tools.contains(t) && (!t.equals("rclone") || rclone)) {
                order.add(t);
            }
        }
        boolean skipCheck = !Boolean.getBoolean("compare.noSkip");
        boolean downloads = !Boolean.getBoolean("compare.noDownload");
        // warm-up: every tool uploads and downloads a smaller tree of the same file size first, untimed, so no tool
        // pays the JIT warm-up of the server (same JVM) or of the SDK for the others
        int warmFiles = Integer.getInteger("compare.warmFiles", Math.max(2, Math.min(files, files / 5)));
        Path warm = work.resolve("warm");
        if (warmFiles > 0) {
            generate(warm, warmFiles, size);
        }
        List<Result> results = new ArrayList<>();
        try (EmbeddedS3 server = EmbeddedS3.builder().directory(work.resolve("store")).bucket("cmp").start();
             S3Client s3 = server.settings().withMaxConnections(2 * workers + 8).newClient();
             S3AsyncClient async = S3AsyncClient.builder().endpointOverride(server.endpoint()).forcePathStyle(true)
                     .region(Region.US_EAST_1).multipartEnabled(true)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                             server.settings().accessKey(), server.settings().secretKey())))
                     .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(2 * workers))
                     .build();
             S3TransferManager tm = S3TransferManager.builder().s3Client(async).build();
             // S3Proxy answers part-number GETs without Content-Range, which the Java multipart client needs:
             // downloads use a client without multipart (whole-object GETs, as ParallelDownloader below 32 MiB)
             S3AsyncClient asyncGet = S3AsyncClient.builder().endpointOverride(server.endpoint()).forcePathStyle(true)
                     .region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                             server.settings().accessKey(), server.settings().secretKey())))
                     .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(2 * workers))
                     .build();
             S3TransferManager tmGet = S3TransferManager.builder().s3Client(asyncGet).build()) {
            System.out.println("server: EmbeddedS3 (S3Proxy 4.1, filesystem) in this JVM at " + server.endpoint());
            Tools t = new Tools(server, s3, tm, tmGet, workers);
            if (warmFiles > 0) {
                // passes until the JIT is quiet: the server runs in this JVM, and whichever tool ran while C2 was
                // still compiling S3Proxy's GET path paid for it (measured: 6-8 s of C2 CPU inside a 10 s timed
                // download that came first, none in the ones after it)
                int maxPasses = Integer.getInteger("compare.warmPasses", 8);
                for (int pass = 1; pass <= maxPasses; pass++) {
                    long w0 = System.nanoTime();
                    long j0 = Cpu.jitNanos();
                    for (String tool : order) {
                        String prefix = "warm" + pass + "/" + tool;
                        t.upload(tool, warm, prefix);
                        Path d = work.resolve("warm-down-" + tool);
                        t.download(tool, prefix, d);
                        deleteTree(d);
                    }
                    deleteTree(work.resolve("store").resolve("cmp").resolve("warm" + pass));
                    double wall = secs(w0);
                    double jit = (Cpu.jitNanos() - j0) / 1e9;
                    System.out.printf(Locale.ROOT, "warm-up %d: every tool uploaded and downloaded %d files (%.1f s, "
                            + "untimed; JIT %.2f s of CPU)%n", pass, warmFiles, wall, jit);
                    if (jit < 0.03 * wall) {
                        break;
                    }
                }
            }
            for (int round = 1; round <= rounds; round++) {
                String r = "r" + round;
                // uploads, each to its own prefix; the order rotates per round
                List<String> rot = new ArrayList<>(order);
                java.util.Collections.rotate(rot, -(round - 1));
                for (String tool : rot) {
                    syncDisks();
                    Cpu cpu = new Cpu();
                    t.upload(tool, src, r + "/" + tool);
                    results.add(cpu.result(tool, "upload", files, bytes));
                }
                for (String tool : order) {
                    long n = count(s3, "cmp", r + "/" + tool + "/");
                    check(n == files, tool + " stored " + n + " of " + files);
                }
                // downloads of the same prefix (stowage's upload, or the first tool's)
                String from = r + "/" + order.get(0);
                for (String tool : downloads ? rot : List.<String>of()) {
                    Path d = work.resolve(r + "-down-" + tool);
                    syncDisks();
                    Cpu cpu = new Cpu();
                    t.download(tool, from, d);
                    Result down = cpu.result(tool, "download", files, bytes);
                    results.add(down);
                    if (!tool.startsWith("stowage")) {
                        // stowage's durability (every file fsynced before its rename): the same download, then its
                        // dirty pages written out; otherwise the next run's untimed sync pays for them
                        long s0 = System.nanoTime();
                        syncDisks();
                        results.add(down.synced(secs(s0)));
                    }
                    long n;
                    try (Stream<Path> st = Files.walk(d)) {
                        n = st.filter(Files::isRegularFile).count();
                    }
                    check(n == files, tool + " downloaded " + n + " of " + files);
                    deleteTree(d);
                }
                if (!skipCheck) {
                    continue;
                }
                // the skip check: everything is there already
                if (tools.contains("stowage")) {
                    Cpu cpu = new Cpu();
                    TransferReport skip;
                    try (ParallelUploader u = ParallelUploader.builder(s3).options(UploadOptions.defaults()
                            .withWorkers(workers)).build()) {
                        skip = u.upload(src, S3Location.parse("s3://cmp/" + r + "/stowage"));
                    }
                    check(skip.skipped() == files && skip.transferred() == 0, "skip " + skip);
                    results.add(cpu.result("stowage", "skip", files, 0));
                    System.out.printf(Locale.ROOT, "stowage skip check: %d listing requests, no other request%n",
                            skip.listRequests());
                }
                if (tools.contains("stowage-sdk")) {
                    Cpu cpu = new Cpu();
                    TransferReport skip = sdkPath(() -> {
                        try (ParallelUploader u = ParallelUploader.builder(s3).options(UploadOptions.defaults()
                                .withWorkers(workers)).build()) {
                            return u.upload(src, S3Location.parse("s3://cmp/" + r + "/stowage"));
                        }
                    });
                    check(skip.skipped() == files && skip.transferred() == 0, "skip (SDK path) " + skip);
                    results.add(cpu.result("stowage-sdk", "skip", files, 0));
                }
                if (rclone) {
                    Cpu cpu = new Cpu();
                    rclone(server, workers, "copy", "--size-only", src.toString(), "stowage:cmp/" + r + "/rclone");
                    results.add(cpu.result("rclone", "skip", files, 0));
                }
                Cpu cpu = new Cpu();
                long listed = count(s3, "cmp", from + "/");
                Result bare = cpu.result("sdk", "listing", listed, 0);
                System.out.printf(Locale.ROOT, "bare by-folder listing of the prefix with the SDK (%d keys, the "
                        + "requests the skip check sends, one thread): %.2f s, S3Proxy CPU %.2f s%n", listed,
                        bare.seconds(), bare.serverCpu());
            }
        } finally {
            deleteTree(work);
        }
        System.out.println();
        for (String what : List.of("upload", "download", "skip")) {
            Result base = best(results, "stowage", what);
            for (String tool : List.of("stowage", "stowage-sdk", "tm", "tm+sync", "rclone", "rclone+sync")) {
                Result b = best(results, tool, what);
                if (b != null) {
                    System.out.println(b.line(base));
                }
            }
        }
        System.out.println("(ratio = other tool's time / stowage's time: above 1 means stowage is faster; best of "
                + rounds + " round(s); client and server share this machine's cores; TOOL+sync: that tool's download "
                + "followed by a sync, the durability stowage's downloads have: each file fsynced before its rename)");
    }

    /** Each tool's upload and download, so the warm-up and the timed runs do exactly the same thing. */
    private record Tools(EmbeddedS3 server, S3Client s3, S3TransferManager tm, S3TransferManager tmGet, int workers) {
        void upload(String tool, Path src, String prefix) throws Exception {
            if (tool.equals("stowage-sdk")) {
                sdkPath(() -> {
                    upload("stowage", src, prefix);
                    return null;
                });
                return;
            }
            switch (tool) {
                case "stowage" -> {
                    TransferReport up;
                    try (ParallelUploader u = ParallelUploader.builder(s3).options(UploadOptions.defaults()
                            .withWorkers(workers)).skipPolicy(SkipPolicy.never()).build()) {
                        up = u.upload(src, S3Location.parse("s3://cmp/" + prefix));
                    }
                    check(up.failed() == 0, "stowage upload " + up);
                }
                case "tm" -> {
                    CompletedDirectoryUpload tmUp = tm.uploadDirectory(b -> b.source(src).bucket("cmp")
                            .s3Prefix(prefix)).completionFuture().join();
                    check(tmUp.failedTransfers().isEmpty(), "TM upload failed: " + tmUp.failedTransfers().size()
                            + (tmUp.failedTransfers().isEmpty() ? "" : ", first: "
                            + tmUp.failedTransfers().get(0).exception()));
                }
                case "rclone" -> rclone(server, workers, "copy", src.toString(), "stowage:cmp/" + prefix);
                default -> throw new IllegalArgumentException(tool);
            }
        }

        void download(String tool, String prefix, Path dst) throws Exception {
            if (tool.equals("stowage-sdk")) {
                sdkPath(() -> {
                    download("stowage", prefix, dst);
                    return null;
                });
                return;
            }
            switch (tool) {
                case "stowage" -> {
                    TransferReport down;
                    DownloadOptions o = DownloadOptions.defaults().withWorkers(workers);
                    // -Dcompare.rangedThreshold=BYTES: try another ranged threshold (ranges of the default size)
                    long ranged = Long.getLong("compare.rangedThreshold", o.rangedThreshold());
                    // -Dcompare.durability=PER_FILE: one fsync per file instead of the batched syncfs
                    DownloadOptions.Durability durability = DownloadOptions.Durability.valueOf(
                            System.getProperty("compare.durability", o.durability().name()));
                    try (ParallelDownloader d = ParallelDownloader.builder(s3).options(o.withRanges(ranged,
                            o.partSize()).withDurability(durability)).build()) {
                        down = d.download(S3Location.parse("s3://cmp/" + prefix), dst);
                    }
                    check(down.failed() == 0, "stowage download " + down);
                }
                case "tm" -> {
                    CompletedDirectoryDownload tmDown = tmGet.downloadDirectory(b -> b.destination(dst).bucket("cmp")
                            .listObjectsV2RequestTransformer(l -> l.prefix(prefix + "/"))).completionFuture().join();
                    check(tmDown.failedTransfers().isEmpty(), "TM download failed: "
                            + tmDown.failedTransfers().size() + (tmDown.failedTransfers().isEmpty() ? ""
                            : ", first: " + tmDown.failedTransfers().get(0).exception()));
                }
                case "rclone" -> rclone(server, workers, "copy", "stowage:cmp/" + prefix, dst.toString());
                default -> throw new IllegalArgumentException(tool);
            }
        }
    }

    /**
     * Runs a stowage transfer on the SDK path, the one AWS users run (every request through the SDK client): the
     * direct path is switched off for the transfers started meanwhile ({@code stowage.s3.direct}, read per run).
     */
    private static <T> T sdkPath(java.util.concurrent.Callable<T> body) throws Exception {
        String before = System.getProperty("stowage.s3.direct");
        System.setProperty("stowage.s3.direct", "false");
        try {
            return body.call();
        } finally {
            if (before == null) {
                System.clearProperty("stowage.s3.direct");
            } else {
                System.setProperty("stowage.s3.direct", before);
            }
        }
    }

    private static Result best(List<Result> rs, String tool, String what) {
        return rs.stream().filter(x -> x.tool().equals(tool) && x.what().equals(what))
                .min(Comparator.comparingDouble(Result::seconds)).orElse(null);
    }

    private static void generate(Path root, int files, int size) throws IOException {
        Random rnd = new Random(1);
        byte[] data = new byte[size];
        int dirs = Math.max(1, files / 100);
        for (int i = 0; i < files; i++) {
            Path d = root.resolve(String.format(Locale.ROOT, "d%04d", i % dirs));
            if (i < dirs) {
                Files.createDirectories(d);
            }
            rnd.nextBytes(data);
            Files.write(d.resolve(String.format(Locale.ROOT, "f%06d.bin", i)), data);
        }
    }

    /** Keys under the prefix, listed folder by folder (S3Proxy's flat listing costs O(prefix) per page). */
    private static long count(S3Client s3, String bucket, String prefix) {
        long n = 0;
        java.util.ArrayDeque<String> pending = new java.util.ArrayDeque<>(List.of(prefix));
        while (!pending.isEmpty()) {
            String p = pending.pop();
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(p).delimiter("/"))) {
                n += page.contents().size();
                page.commonPrefixes().forEach(cp -> pending.push(cp.prefix()));
            }
        }
        return n;
    }

    private static void rclone(EmbeddedS3 server, int workers, String... args) throws Exception {
        // through bash, whose `times` prints the CPU rclone used (children's user and system time) on the last line
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "rclone \"$@\"; rc=$?; times; exit $rc", "rclone"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--transfers", String.valueOf(workers), "--checkers", String.valueOf(workers)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("AWS_CA_BUNDLE");   // rclone 1.60 fails on a custom CA bundle even for plain http
        env.put("RCLONE_CONFIG_STOWAGE_TYPE", "s3");
        env.put("RCLONE_CONFIG_STOWAGE_PROVIDER", "Other");
        env.put("RCLONE_CONFIG_STOWAGE_ENDPOINT", server.endpoint().toString());
        env.put("RCLONE_CONFIG_STOWAGE_ACCESS_KEY_ID", server.settings().accessKey());
        env.put("RCLONE_CONFIG_STOWAGE_SECRET_ACCESS_KEY", server.settings().secretKey());
        env.put("RCLONE_CONFIG_STOWAGE_REGION", S3Settings.DEFAULT_REGION);
        env.put("RCLONE_CONFIG_STOWAGE_FORCE_PATH_STYLE", "true");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("rclone " + String.join(" ", args) + " failed: " + out);
        }
        String[] lines = out.strip().split("\n");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)m([\\d.]+)s\\s+(\\d+)m([\\d.]+)s")
                .matcher(lines[lines.length - 1]);
        if (m.find()) {
            double cpu = Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                    + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
            Cpu.CHILD_NANOS.addAndGet((long) (cpu * 1e9));
        }
    }

    /**
     * Writes out dirty pages before each timed run (untimed): on ext4 (data=ordered) an fsync commits the journal with
     * all dirty data, so a tool that fsyncs (stowage's downloads) would otherwise also pay for what the run before
     * it (the store's files, another tool's unsynced downloads) left in the page cache.
     */
    private static void syncDisks() throws Exception {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
    }

    private static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        System.out.println(exe + " not found on the PATH: comparing with the TransferManager only "
                + "(Debian/Ubuntu: apt-get install rclone)");
        return false;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
