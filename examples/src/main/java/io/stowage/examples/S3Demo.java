package io.stowage.examples;

import io.stowage.s3.DownloadOptions;
import io.stowage.s3.EmbeddedS3;
import io.stowage.s3.IncompleteUploads;
import io.stowage.s3.ParallelDownloader;
import io.stowage.s3.ParallelUploader;
import io.stowage.s3.S3Location;
import io.stowage.s3.TransferReport;
import io.stowage.s3.UploadOptions;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The bulk upload pipeline on the embedded store: a tree of small files and one multipart-sized video uploaded in
 * parallel, uploaded again (everything skipped, one listing request per folder), one changed file uploaded alone, everything
 * downloaded and compared byte for byte, and a stale multipart upload found and aborted.
 *
 * <p>{@code new S3Demo().run(Files.createTempDirectory("s3"), System.out);}
 *
 * <p>Stateless and thread-safe.
 */
public final class S3Demo implements DemoPipeline {
    static final int FILES = 150;

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public String description() {
        return "upload " + FILES + " files (+1 multipart video) to EmbeddedS3, re-run skips all, download and compare";
    }

    @Override
    public void run(Path workDir, PrintStream out) throws IOException {
        Path photos = workDir.resolve("photos");
        Map<String, String> expected = new TreeMap<>();
        Random rnd = new Random(7);
        for (int i = 0; i < FILES; i++) {
            String rel = String.format(Locale.ROOT, "cam %d/%s/IMG_%04d.jpg", i % 4, i % 2 == 0 ? "été" : "night+1", i);
            byte[] b = new byte[200 + rnd.nextInt(8 * 1024)];
            rnd.nextBytes(b);
            write(photos, rel, b, expected);
        }
        byte[] video = new byte[(6 << 20) + 4321];
        rnd.nextBytes(video);
        write(photos, "video/clip #1.mp4", video, expected);
        long bytes = expected.keySet().stream().mapToLong(k -> photos.resolve(k).toFile().length()).sum();

        UploadOptions options = UploadOptions.defaults().withWorkers(8).withMultipart(5L << 20, 5L << 20);
        S3Location target = S3Location.parse("s3://demo/day1");
        try (EmbeddedS3 store = EmbeddedS3.builder().directory(workDir.resolve("store")).bucket("demo").start();
             S3Client s3 = store.settings().withMaxConnections(32).newClient();
             ParallelUploader uploader = ParallelUploader.builder(s3).options(options).build()) {
            out.println("  EmbeddedS3 at " + store.endpoint() + " over " + store.directory());

            TransferReport first = uploader.upload(photos, target);
            check(first.isComplete() && first.transferred() == expected.size() && first.bytesTransferred() == bytes,
                    "first upload: " + first);
            out.printf(Locale.ROOT, "  upload:   %d files, %.1f MiB in %.2f s, %d retries%n", first.transferred(),
                    bytes / 1048576.0, first.duration().toMillis() / 1000.0, first.retries());

            TransferReport again = uploader.upload(photos, target);
            // each folder holding files is listed once; those holding only folders may be too (listed ahead, in
            // parallel, before the walk knows), never twice
            long folders = expected.keySet().stream().map(k -> k.substring(0, k.lastIndexOf('/'))).distinct().count();
            java.util.Set<String> all = new java.util.HashSet<>();
            for (String k : expected.keySet()) {
                for (int i = k.indexOf('/'); i >= 0; i = k.indexOf('/', i + 1)) {
                    all.add(k.substring(0, i));
                }
            }
            check(again.transferred() == 0 && again.skipped() == expected.size() && again.listRequests() >= folders
                            && again.listRequests() <= all.size(),
                    "second upload should skip everything with at most one listing request per folder: " + again);
            out.printf(Locale.ROOT, "  re-run:   %d skipped with %d listing requests (one per folder), %.2f s%n",
                    again.skipped(), again.listRequests(), again.duration().toMillis() / 1000.0);

            String changed = "cam 1/night+1/IMG_0001.jpg";
            write(photos, changed, "a new, longer version of this file".repeat(400).getBytes(), expected);
            TransferReport third = uploader.upload(photos, target);
            check(third.transferred() == 1 && third.skipped() == expected.size() - 1, "changed file: " + third);
            out.println("  changed:  1 uploaded, " + third.skipped() + " skipped");

            Path restore = workDir.resolve("restore");
            TransferReport down;
            try (ParallelDownloader downloader = ParallelDownloader.builder(s3)
                    .options(DownloadOptions.defaults().withWorkers(8).withRanges(4L << 20, 2L << 20)).build()) {
                down = downloader.download(target, restore);
            }
            check(down.isComplete() && down.transferred() == expected.size(), "download: " + down);
            Map<String, String> restored = md5Tree(restore);
            check(restored.equals(expected), "downloaded tree differs from the source");
            out.printf(Locale.ROOT, "  download: %d files, every byte equal to the source (MD5), %.2f s%n",
                    down.transferred(), down.duration().toMillis() / 1000.0);

            // raw SDK call on purpose: it leaves a multipart upload unfinished, as a crashed uploader would, for
            // IncompleteUploads to find (S3Objects only starts uploads it also completes or aborts)
            String id = s3.createMultipartUpload(b -> b.bucket("demo").key("day1/crashed.mp4")).uploadId();
            IncompleteUploads stale = IncompleteUploads.of(s3, target);
            var found = stale.list(Duration.ZERO);
            check(found.size() == 1 && found.get(0).uploadId().equals(id), "stale upload not found: " + found);
            check(stale.abort(found).aborted().size() == 1 && stale.list(Duration.ZERO).isEmpty(),
                    "stale upload not aborted");
            out.println("  cleanup:  1 stale multipart upload found and aborted");
        }
    }

    private static void write(Path root, String rel, byte[] data, Map<String, String> expected) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        expected.put(rel, md5(data));
    }

    private static Map<String, String> md5Tree(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                m.put(root.relativize(p).toString(), md5(Files.readAllBytes(p)));
            }
        }
        return m;
    }

    private static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("s3 demo check failed: " + what);
        }
    }
}
