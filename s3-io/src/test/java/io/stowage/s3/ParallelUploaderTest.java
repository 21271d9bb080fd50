package io.stowage.s3;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.stowage.s3.S3TestFiles.bytes;
import static io.stowage.s3.S3TestFiles.md5;
import static io.stowage.s3.S3TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelUploaderTest {
    static EmbeddedS3 server;
    static S3Client s3;

    @BeforeAll
    static void start() {
        server = EmbeddedS3.builder().start();
        s3 = server.settings().withMaxConnections(40).newClient();
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    static UploadOptions small() {
        return UploadOptions.defaults().withWorkers(4).withMultipart(5L << 20, 5L << 20)
                .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(100))
                .withChangedRetries(2, Duration.ofMillis(50));
    }

    private static Map<String, String> tree(Path root, int files, int size) throws IOException {
        Map<String, String> expected = new TreeMap<>();
        for (int i = 0; i < files; i++) {
            String rel = "d" + (i % 7) + "/sub" + (i % 3) + "/f" + i + ".bin";
            byte[] data = bytes(i, size + i);
            write(root, rel, data);
            expected.put(rel, md5(data));
        }
        return expected;
    }

    @Test
    void uploadsATreeAndEveryObjectHasTheRightBytes(@TempDir Path dir) throws IOException {
        Map<String, String> expected = tree(dir, 60, 1000);
        String bucket = S3TestFiles.newBucket(server, "tree");
        List<FileReport> outcomes = Collections.synchronizedList(new ArrayList<>());
        List<TransferProgress> progress = Collections.synchronizedList(new ArrayList<>());
        TransferReport r;
        try (ParallelUploader up = ParallelUploader.builder(s3).options(small()).listener(new TransferListener() {
            @Override
            public void onProgress(TransferProgress p) {
                progress.add(p);
            }

            @Override
            public void onFile(FileReport o) {
                outcomes.add(o);
            }
        }).build()) {
            r = up.upload(dir, S3Location.parse("s3://" + bucket + "/day1"));
        }
        assertThat(r.failures()).isEmpty();
        assertThat(r.transferred()).isEqualTo(60);
        assertThat(r.skipped()).isZero();
        assertThat(r.bytesTransferred()).isEqualTo(60 * 1000 + (59 * 60 / 2));
        assertThat(r.isComplete()).isTrue();
        Map<String, String> stored = new TreeMap<>();
        S3TestFiles.contents(s3, bucket, "").forEach((k, v) -> stored.put(k.substring("day1/".length()), v));
        assertThat(stored).isEqualTo(expected);
        assertThat(outcomes).hasSize(60).allMatch(o -> o.status() == FileReport.Status.TRANSFERRED
                && o.eTag() != null && o.key().startsWith("day1/"));
        TransferProgress last = progress.get(progress.size() - 1);
        assertThat(last.filesDone()).isEqualTo(60);
        assertThat(last.filesTotal()).isEqualTo(60);
        assertThat(last.scanComplete()).isTrue();
        assertThat(last.eta()).isEqualTo(Duration.ZERO);
    }

    @Test
    void theWalkStreamsThroughABoundedQueue(@TempDir Path dir) throws IOException {
        // memory stays flat for any tree: files found but not finished never exceed the queue bound (2 x workers)
        for (int d = 0; d < 20; d++) {
            for (int f = 0; f < 60; f++) {
                write(dir, "d" + d + "/f" + f, new byte[] {(byte) f});
            }
        }
        String bucket = S3TestFiles.newBucket(server, "bounded");
        int workers = 2;
        java.util.concurrent.atomic.AtomicLong maxInFlight = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong samples = new java.util.concurrent.atomic.AtomicLong();
        TransferReport r;
        try (ParallelUploader up = ParallelUploader.builder(s3)
                .options(small().withWorkers(workers).withProgressInterval(Duration.ofMillis(5)))
                .listener(new TransferListener() {
                    @Override
                    public void onProgress(TransferProgress p) {
                        samples.incrementAndGet();
                        maxInFlight.accumulateAndGet(p.filesTotal() - p.filesDone(), Math::max);
                    }
                }).build()) {
            r = up.upload(dir, S3Location.parse("s3://" + bucket));
        }
        assertThat(r.transferred()).isEqualTo(1200);
        assertThat(samples.get()).isGreaterThan(3);
        // 2 x workers queued or running, plus the one file the walk holds while it waits for a slot
        assertThat(maxInFlight.get()).isLessThanOrEqualTo(2L * workers + 1);
    }

    @Test
    void namesWithSpacesUnicodePlusPercentHashSurvive(@TempDir Path dir) throws IOException {
        String nfd = Normalizer.normalize("café", Normalizer.Form.NFD);
        List<String> names = List.of("a b/c d.txt", "plus+sign.txt", "100%.txt", "hash#tag.txt", nfd + "/été.jpg",
                "日本語/ファイル.txt", "emoji-😀.txt", "q?uestion=1&x.txt");
        for (int i = 0; i < names.size(); i++) {
            write(dir, names.get(i), ("content " + i).getBytes(StandardCharsets.UTF_8));
        }
        String bucket = S3TestFiles.newBucket(server, "names");
        TransferReport r;
        try (ParallelUploader up = ParallelUploader.builder(s3).options(small()).build()) {
            r = up.upload(dir, S3Location.parse("s3://" + bucket));
        }
        assertThat(r.failures()).isEmpty();
        Map<String, String> stored = S3TestFiles.contents(s3, bucket, "");
        for (int i = 0; i < names.size(); i++) {
            String key = Normalizer.normalize(names.get(i), Normalizer.Form.NFC);
            assertThat(stored).containsEntry(key, md5(("content " + i).getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(stored).hasSize(names.size());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(UploadOptions.Listing.class)
    void secondRunSkipsEverythingUsingListingRequestsOnly(UploadOptions.Listing listing, @TempDir Path dir)
            throws IOException {
        tree(dir, 1500, 10);
        String bucket = S3TestFiles.newBucket(server, "skip-" + listing.name().toLowerCase().replace('_', '-'));
        S3Location target = S3Location.parse("s3://" + bucket + "/p");
        UploadOptions o = small().withWorkers(16).withListing(listing);
        try (ParallelUploader up = ParallelUploader.builder(s3).options(o).build()) {
            TransferReport first = up.upload(dir, target);
            assertThat(first.transferred()).isEqualTo(1500);
            // a neighbour key that sorts between folders must not confuse the merge
            s3.putObject(b -> b.bucket(bucket).key("p/d0-extra"), RequestBody.fromString("x"));
            TransferReport second = up.upload(dir, target);
            assertThat(second.transferred()).isZero();
            assertThat(second.skipped()).isEqualTo(1500);
            assertThat(second.failed()).isZero();
            // FLAT: 1501 keys = two pages of 1000; BY_FOLDER: each folder at most once: the 7 x 3 holding files and,
            // when their listing ahead was done before the walk passed them, some of the 7 holding only folders
            if (listing == UploadOptions.Listing.FLAT) {
                assertThat(second.listRequests()).isEqualTo(2);
            } else {
                assertThat(second.listRequests()).isBetween(21L, 28L);
            }
        }
        // a changed size is uploaded again, nothing else
        Files.write(dir.resolve("d0/sub0/f0.bin"), bytes(99, 12));
        try (ParallelUploader up = ParallelUploader.builder(s3).options(small().withListing(listing)).build()) {
            TransferReport third = up.upload(dir, target);
            assertThat(third.transferred()).isEqualTo(1);
            assertThat(third.skipped()).isEqualTo(1499);
        }
    }

    @Test
    void checksumPolicyCatchesSameSizeDifferentContentAndForceUploadsAll(@TempDir Path dir) throws IOException {
        write(dir, "a.bin", bytes(1, 5000));
        write(dir, "b.bin", bytes(2, 5000));
        write(dir, "big.bin", bytes(3, (6 << 20) + 17));
        String bucket = S3TestFiles.newBucket(server, "checksum");
        S3Location target = S3Location.parse("s3://" + bucket);
        UploadOptions o = small();
        try (ParallelUploader up = ParallelUploader.builder(s3).options(o).build()) {
            assertThat(up.upload(dir, target).transferred()).isEqualTo(3);
        }
        write(dir, "a.bin", bytes(11, 5000));   // same size, new content
        try (ParallelUploader sizeOnly = ParallelUploader.builder(s3).options(o).build()) {
            assertThat(sizeOnly.upload(dir, target).skipped()).isEqualTo(3);
        }
        try (ParallelUploader checksum = ParallelUploader.builder(s3).options(o)
                .skipPolicy(SkipPolicy.sameSizeAndChecksum(o)).build()) {
            TransferReport r = checksum.upload(dir, target);
            assertThat(r.transferred()).isEqualTo(1);
            assertThat(r.skipped()).isEqualTo(2);   // b.bin by MD5, big.bin by its multipart ETag
        }
        assertThat(md5(s3.getObjectAsBytes(b -> b.bucket(bucket).key("a.bin")).asByteArray()))
                .isEqualTo(md5(bytes(11, 5000)));
        try (ParallelUploader force = ParallelUploader.builder(s3).options(o).skipPolicy(SkipPolicy.never()).build()) {
            TransferReport r = force.upload(dir, target);
            assertThat(r.transferred()).isEqualTo(3);
            assertThat(r.listRequests()).isZero();
        }
    }

    @Test
    void bigFilesUseParallelMultipartWithVerifiedETag(@TempDir Path dir) throws IOException {
        byte[] big = bytes(7, (12 << 20) + 3);
        write(dir, "video/big.mp4", big);
        String bucket = S3TestFiles.newBucket(server, "multipart");
        TransferReport r;
        try (ParallelUploader up = ParallelUploader.builder(s3).options(small()).build()) {
            r = up.upload(dir, S3Location.parse("s3://" + bucket + "/m"));
        }
        assertThat(r.failures()).isEmpty();
        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key("m/video/big.mp4"));
        assertThat(head.contentLength()).isEqualTo(big.length);
        assertThat(head.eTag()).endsWith("-3\"");
        assertThat(head.contentType()).isEqualTo("video/mp4");
        assertThat(head.metadata()).containsKey("mtime");
        assertThat(md5(s3.getObjectAsBytes(b -> b.bucket(bucket).key("m/video/big.mp4")).asByteArray()))
                .isEqualTo(md5(big));
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void partSizeGrowsSoNoObjectNeedsMoreThan10000Parts() {
        UploadOptions o = UploadOptions.defaults().withMultipart(5L << 20, 5L << 20);
        assertThat(o.partSizeFor(10L << 20)).isEqualTo(5L << 20);
        long huge = 100L << 30;   // 100 GiB
        long part = o.partSizeFor(huge);
        assertThat((huge + part - 1) / part).isLessThanOrEqualTo(10_000);
        assertThat(part % (1 << 20)).isZero();
        assertThat(o.partSizeFor(5L << 40)).isEqualTo(525L << 20);   // 5 TiB, the largest object: 10,000 parts of 525 MiB
        assertThat(o.partSizeFor(60L << 40)).isEqualTo(UploadOptions.MAX_PART_SIZE);
    }

    @Test
    void includeExcludeAndExtensionFilters(@TempDir Path dir) throws IOException {
        write(dir, "cam1/a.jpg", bytes(1, 10));
        write(dir, "cam1/b.JPG", bytes(2, 10));
        write(dir, "cam1/c.txt", bytes(3, 10));
        write(dir, "cam2/d.jpg", bytes(4, 10));
        write(dir, ".git/objects/x.jpg", bytes(5, 10));
        String bucket = S3TestFiles.newBucket(server, "filters");
        UploadOptions o = small().withExtensions(Set.of(".jpg")).withExclude(List.of(".git", "cam2/**"))
                .withInclude(List.of("cam*/**"));
        TransferReport r;
        try (ParallelUploader up = ParallelUploader.builder(s3).options(o).build()) {
            r = up.upload(dir, S3Location.parse("s3://" + bucket));
        }
        assertThat(r.transferred()).isEqualTo(2);
        assertThat(S3TestFiles.contents(s3, bucket, "").keySet()).containsExactly("cam1/a.jpg", "cam1/b.JPG");
    }

    @Test
    void specialFilesAndLinksAreReportedNotUploaded(@TempDir Path dir) throws Exception {
        write(dir, "real/file.txt", bytes(1, 10));
        Files.createSymbolicLink(dir.resolve("link.txt"), dir.resolve("real/file.txt"));
        Files.createSymbolicLink(dir.resolve("real/loop"), dir);
        Process p = new ProcessBuilder("mkfifo", dir.resolve("pipe").toString()).start();
        assertThat(p.waitFor()).isZero();
        String bucket = S3TestFiles.newBucket(server, "special");
        try (ParallelUploader up = ParallelUploader.builder(s3).options(small()).build()) {
            TransferReport r = up.upload(dir, S3Location.parse("s3://" + bucket + "/nofollow"));
            assertThat(r.transferred()).isEqualTo(1);
            assertThat(r.ignored()).extracting(TransferReport.Failure::path)
                    .containsExactlyInAnyOrder("link.txt", "real/loop", "pipe");
            assertThat(r.ignored()).filteredOn(f -> f.path().equals("pipe"))
                    .allMatch(f -> f.reason().contains("special file"));
        }
        try (ParallelUploader up = ParallelUploader.builder(s3).options(small().withFollowLinks(true)).build()) {
            TransferReport r = up.upload(dir, S3Location.parse("s3://" + bucket + "/follow"));
            assertThat(r.failures()).isEmpty();
            assertThat(r.transferred()).isEqualTo(2);   // real/file.txt and link.txt
            assertThat(r.ignored()).extracting(TransferReport.Failure::path).contains("real/loop", "pipe");
            assertThat(r.ignored()).filteredOn(f -> f.path().equals("real/loop"))
                    .allMatch(f -> f.reason().contains("loop"));
        }
    }

    @Test
    void aFileDeletedDuringTheRunFailsAloneWithItsReason(@TempDir Path dir) throws IOException {
        tree(dir, 20, 100);
        Path victim = dir.resolve("d3/sub0/f3.bin");
        String bucket = S3TestFiles.newBucket(server, "deleted");
        // the skip check runs right before each upload: delete the victim there, as a user would mid-run
        SkipPolicy deleting = (file, remote) -> {
            if (file.path().equals(victim)) {
                Files.delete(victim);
            }
            return false;
        };
        TransferReport r;
        try (ParallelUploader up = ParallelUploader.builder(s3).options(small()).skipPolicy(deleting).build()) {
            r = up.upload(dir, S3Location.parse("s3://" + bucket));
        }
        assertThat(r.transferred()).isEqualTo(19);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("d3/sub0/f3.bin");
            assertThat(f.reason()).contains("not found");
        });
        assertThat(S3TestFiles.contents(s3, bucket, "")).hasSize(19).doesNotContainKey("d3/sub0/f3.bin");
    }

    /**
     * Appends to a file each time its PUT reaches the store (a proxy in front of EmbeddedS3): the file changes during
     * every attempt of its upload, whatever the timing, as a camera's recording does.
     */
    static final class AppendOnPut implements com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2 {
        volatile Path file;
        volatile String key;
        final java.util.concurrent.atomic.AtomicInteger appended = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public com.github.tomakehurst.wiremock.http.ResponseDefinition transform(
                com.github.tomakehurst.wiremock.stubbing.ServeEvent event) {
            var req = event.getRequest();
            Path f = file;
            if (f != null && req.getMethod().getName().equals("PUT") && req.getUrl().contains("/" + key)) {
                try {
                    Files.write(f, bytes(100 + appended.getAndIncrement(), 4096), StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return event.getResponseDefinition();
        }

        @Override
        public boolean applyGlobally() {
            return true;
        }

        @Override
        public String getName() {
            return "stowage-append-on-put";
        }
    }

    @Test
    void aFileStillBeingWrittenIsNeverStoredHalfWritten(@TempDir Path dir) throws Exception {
        Path growing = write(dir, "cam/recording.ts", bytes(1, 2 << 20));
        write(dir, "cam/done.ts", bytes(2, 1000));
        AppendOnPut writer = new AppendOnPut();
        writer.key = "cam/recording.ts";
        writer.file = growing;
        var proxy = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig().dynamicPort()
                        .bindAddress("127.0.0.1").disableRequestJournal().extensions(writer));
        proxy.start();
        proxy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse().proxiedFrom(server.endpoint().toString())));
        String bucket = S3TestFiles.newBucket(server, "growing");
        TransferReport r;
        try (S3Client viaProxy = S3Settings.forEndpoint(java.net.URI.create("http://127.0.0.1:" + proxy.port()))
                .withCredentials("any", "thing").newClient();
             ParallelUploader up = ParallelUploader.builder(viaProxy)
                .options(small().withChangedRetries(2, Duration.ofMillis(30))).build()) {
            r = up.upload(dir, S3Location.parse("s3://" + bucket));
        } finally {
            writer.file = null;   // the camera stops writing
            proxy.stop();
        }
        assertThat(writer.appended.get()).as("one append per attempt (3 attempts)").isGreaterThanOrEqualTo(3);
        assertThat(r.transferred()).isEqualTo(1);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("cam/recording.ts");
            assertThat(f.reason()).contains("changed during upload");
        });
        assertThat(S3TestFiles.contents(s3, bucket, "").keySet()).containsExactly("cam/done.ts");

        // once the camera stops writing, the next run stores the whole file
        try (ParallelUploader up = ParallelUploader.builder(s3).options(small()).build()) {
            TransferReport again = up.upload(dir, S3Location.parse("s3://" + bucket));
            assertThat(again.transferred()).isEqualTo(1);
        }
        assertThat(S3TestFiles.contents(s3, bucket, "")).containsEntry("cam/recording.ts",
                md5(Files.readAllBytes(growing)));
    }

    @Test
    void permanentErrorsFailAtOnceWithTheReason(@TempDir Path dir) throws IOException {
        tree(dir, 3, 10);
        try (ParallelUploader up = ParallelUploader.builder(s3).options(small()).skipPolicy(SkipPolicy.never())
                .build()) {
            TransferReport r = up.upload(dir, S3Location.parse("s3://no-such-bucket-here/x"));
            assertThat(r.failed()).isEqualTo(3);
            assertThat(r.retries()).isZero();
            assertThat(r.failures()).allMatch(f -> f.reason().contains("404") && f.reason().contains("NoSuchBucket"));
        }
        assertThatThrownBy(() -> ParallelUploader.builder(s3).build().upload(dir.resolve("missing"),
                S3Location.parse("s3://abc/x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
    }

    @Test
    void uploadsAStreamOfPathsKeyedRelativeToTheRoot(@TempDir Path dir) throws IOException {
        tree(dir, 10, 50);
        String bucket = S3TestFiles.newBucket(server, "stream");
        List<Path> files = List.of(dir.resolve("d1/sub1/f1.bin"), dir.resolve("d0/sub0/f0.bin"),
                dir.resolve("d2/sub2/f2.bin"));
        try (ParallelUploader up = ParallelUploader.builder(s3).options(small()).build()) {
            TransferReport r = up.upload(dir, files.iterator(), S3Location.parse("s3://" + bucket + "/s"));
            assertThat(r.transferred()).isEqualTo(3);
            TransferReport again = up.upload(dir, files.iterator(), S3Location.parse("s3://" + bucket + "/s"));
            assertThat(again.skipped()).isEqualTo(3);
        }
        assertThat(S3TestFiles.contents(s3, bucket, "").keySet())
                .containsExactly("s/d0/sub0/f0.bin", "s/d1/sub1/f1.bin", "s/d2/sub2/f2.bin");
    }

    @Test
    void itemsKeepTheirKeysAndTagsThroughTheReports(@TempDir Path dir) throws IOException {
        String bucket = S3TestFiles.newBucket(server, "items");
        List<UploadItem> items = new ArrayList<>();
        Map<String, String> expected = new TreeMap<>();
        for (int i = 0; i < 20; i++) {
            byte[] data = bytes(100 + i, 500 + i);
            Path p = write(dir, "in/f" + i + ".bin", data);
            String key = "items/claimed-" + (19 - i);   // keys the caller chose, not derived from the path
            items.add(new UploadItem(p, key, data.length, Files.getLastModifiedTime(p).toInstant(), "claim-" + i));
            expected.put(key, md5(data));
        }
        List<FileReport> reports = Collections.synchronizedList(new ArrayList<>());
        TransferReport r;
        try (ParallelUploader up = ParallelUploader.builder(s3).options(small()).listener(new TransferListener() {
            @Override
            public void onFile(FileReport f) {
                reports.add(f);
            }
        }).build()) {
            r = up.upload(items.iterator(), S3Location.parse("s3://" + bucket + "/items/"));
            assertThat(r.transferred()).isEqualTo(20);
            assertThat(S3TestFiles.contents(s3, bucket, "items/")).isEqualTo(expected);
            assertThat(reports).hasSize(20).allSatisfy(f -> {
                assertThat(f.status()).isEqualTo(FileReport.Status.TRANSFERRED);
                assertThat(f.item()).isNotNull();
                assertThat(f.key()).isEqualTo(f.item().key());
                assertThat(f.path()).isEqualTo(f.item().key().substring("items/".length()));
                assertThat(f.tag()).isEqualTo("claim-" + f.item().path().getFileName().toString()
                        .replace("f", "").replace(".bin", ""));
            });
            reports.clear();
            TransferReport again = up.upload(items.iterator(), S3Location.parse("s3://" + bucket + "/items/"));
            assertThat(again.skipped()).isEqualTo(20);   // SkipPolicy.sameSize() against the listing
            assertThat(reports).extracting(FileReport::tag).doesNotContainNull();
        }
    }

    @Test
    void anItemWhoseFileChangedSinceTheCallerStattedItIsStoredAsItIsNow(@TempDir Path dir) throws IOException {
        String bucket = S3TestFiles.newBucket(server, "stale");
        Path p = write(dir, "a.bin", bytes(1, 100));
        UploadItem stale = new UploadItem(p, "a.bin", 100, Files.getLastModifiedTime(p).toInstant(), null);
        byte[] now = bytes(2, 150);
        Files.write(p, now);
        Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        try (ParallelUploader up = ParallelUploader.builder(s3).options(small()).build()) {
            TransferReport r = up.upload(List.of(stale).iterator(), S3Location.parse("s3://" + bucket));
            assertThat(r.transferred()).isEqualTo(1);
        }
        assertThat(S3TestFiles.contents(s3, bucket, "")).containsEntry("a.bin", md5(now));
    }
}
