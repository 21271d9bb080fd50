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
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.CompletedDirectoryDownload;
import software.amazon.awssdk.transfer.s3.model.CompletedDirectoryUpload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
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

    record Result(String tool, String what, double seconds, long files, long bytes) {
        String line(Result base) {
            return String.format(Locale.ROOT, "%-9s %-9s %8.2f s %9.0f files/s %8.1f MB/s%s", what, tool, seconds,
                    files / seconds, bytes / seconds / 1e6,
                    base == null || base == this ? "" : String.format(Locale.ROOT, "   stowage/%s = %.2fx",
                            tool, seconds / base.seconds));
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
        boolean rclone = onPath("rclone");
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
            for (int round = 1; round <= rounds; round++) {
                String r = "r" + round;
                // uploads, each to its own prefix
                long t0 = System.nanoTime();
                TransferReport up;
                try (ParallelUploader u = ParallelUploader.builder(s3).options(UploadOptions.defaults()
                        .withWorkers(workers)).skipPolicy(SkipPolicy.never()).build()) {
                    up = u.upload(src, S3Location.parse("s3://cmp/" + r + "/stowage"));
                }
                check(up.transferred() == files && up.failed() == 0, "stowage upload " + up);
                results.add(new Result("stowage", "upload", secs(t0), files, bytes));

                t0 = System.nanoTime();
                CompletedDirectoryUpload tmUp = tm.uploadDirectory(b -> b.source(src).bucket("cmp")
                        .s3Prefix(r + "/tm")).completionFuture().join();
                check(tmUp.failedTransfers().isEmpty(), "TM upload failed: " + tmUp.failedTransfers().size()
                        + (tmUp.failedTransfers().isEmpty() ? "" : ", first: "
                        + tmUp.failedTransfers().get(0).exception()));
                results.add(new Result("tm", "upload", secs(t0), files, bytes));

                if (rclone) {
                    t0 = System.nanoTime();
                    rclone(server, workers, "copy", src.toString(), "stowage:cmp/" + r + "/rclone");
                    results.add(new Result("rclone", "upload", secs(t0), files, bytes));
                }
                for (String tool : rclone ? List.of("stowage", "tm", "rclone") : List.of("stowage", "tm")) {
                    long n = count(s3, "cmp", r + "/" + tool + "/");
                    check(n == files, tool + " stored " + n + " of " + files);
                }

                // downloads of the same prefix
                Path d1 = work.resolve(r + "-down-stowage");
                t0 = System.nanoTime();
                TransferReport down;
                try (ParallelDownloader d = ParallelDownloader.builder(s3).options(DownloadOptions.defaults()
                        .withWorkers(workers)).build()) {
                    down = d.download(S3Location.parse("s3://cmp/" + r + "/stowage"), d1);
                }
                check(down.transferred() == files && down.failed() == 0, "stowage download " + down);
                results.add(new Result("stowage", "download", secs(t0), files, bytes));

                Path d2 = work.resolve(r + "-down-tm");
                t0 = System.nanoTime();
                CompletedDirectoryDownload tmDown = tmGet.downloadDirectory(b -> b.destination(d2).bucket("cmp")
                        .listObjectsV2RequestTransformer(l -> l.prefix(r + "/stowage/"))).completionFuture().join();
                check(tmDown.failedTransfers().isEmpty(), "TM download failed: " + tmDown.failedTransfers().size()
                        + (tmDown.failedTransfers().isEmpty() ? "" : ", first: "
                        + tmDown.failedTransfers().get(0).exception()));
                results.add(new Result("tm", "download", secs(t0), files, bytes));

                if (rclone) {
                    Path d3 = work.resolve(r + "-down-rclone");
                    t0 = System.nanoTime();
                    rclone(server, workers, "copy", "stowage:cmp/" + r + "/stowage", d3.toString());
                    results.add(new Result("rclone", "download", secs(t0), files, bytes));
                }
                for (Path d : List.of(d1, d2)) {
                    deleteTree(d);
                }
                deleteTree(work.resolve(r + "-down-rclone"));

                // the skip check: everything is there already
                t0 = System.nanoTime();
                TransferReport skip;
                try (ParallelUploader u = ParallelUploader.builder(s3).options(UploadOptions.defaults()
                        .withWorkers(workers)).build()) {
                    skip = u.upload(src, S3Location.parse("s3://cmp/" + r + "/stowage"));
                }
                check(skip.skipped() == files && skip.transferred() == 0, "skip " + skip);
                results.add(new Result("stowage", "skip", secs(t0), files, 0));
                System.out.printf(Locale.ROOT, "stowage skip check: %d listing requests, no other request%n",
                        skip.listRequests());
                if (rclone) {
                    t0 = System.nanoTime();
                    rclone(server, workers, "copy", "--size-only", src.toString(), "stowage:cmp/" + r + "/rclone");
                    results.add(new Result("rclone", "skip", secs(t0), files, 0));
                }
                t0 = System.nanoTime();
                long listed = count(s3, "cmp", r + "/stowage/");
                double listing = secs(t0);
                System.out.printf(Locale.ROOT, "bare listing of the prefix (%d keys, %d pages): %.2f s = the "
                        + "server's share of the skip check%n", listed, (listed + 999) / 1000, listing);
            }
        } finally {
            deleteTree(work);
        }
        System.out.println();
        for (String what : List.of("upload", "download", "skip")) {
            Result base = best(results, "stowage", what);
            for (String tool : List.of("stowage", "tm", "rclone")) {
                Result b = best(results, tool, what);
                if (b != null) {
                    System.out.println(b.line(base));
                }
            }
        }
        System.out.println("(ratio = other tool's time / stowage's time: above 1 means stowage is faster; best of "
                + rounds + " round(s); client and server share this machine's cores)");
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

    private static long count(S3Client s3, String bucket, String prefix) {
        long n = 0;
        for (S3Object ignored : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            n++;
        }
        return n;
    }

    private static void rclone(EmbeddedS3 server, int workers, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("rclone"));
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
