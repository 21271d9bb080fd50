package io.stowage.s3;

import io.stowage.s3.internal.DirectRegion;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.stowage.s3.S3TestFiles.bytes;
import static io.stowage.s3.S3TestFiles.md5;
import static io.stowage.s3.S3TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelDownloaderTest {
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

    static DownloadOptions small() {
        return DownloadOptions.defaults().withWorkers(4).withRanges(1 << 20, 1 << 20)
                .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(100));
    }

    static Map<String, String> localTree(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                m.put(root.relativize(p).toString(), md5(Files.readAllBytes(p)));
            }
        }
        return m;
    }

    @Test
    void bigFilesWrittenDirectlyAreRestoredToTheByte(@TempDir Path src, @TempDir Path tempDst) throws IOException {
        // on a file system that takes O_DIRECT when there is one (the test's folder, else another: SupportingFolders)
        Path dst = io.stowage.s3.internal.SupportingFolders.directWorks(tempDst) ? tempDst
                : firstDirectFolderOr(tempDst);
        // from 8 MiB files are written with O_DIRECT (DirectRegion): whole GETs, aligned ranges, and ranges whose
        // size is not a multiple of the block size (written through the page cache); the last block's padding must
        // be cut off exactly
        Map<String, String> expected = new TreeMap<>();
        int[] sizes = {8 << 20, (8 << 20) + 1, (9 << 20) + 12345, (8 << 20) + 4096};
        for (int i = 0; i < sizes.length; i++) {
            byte[] data = bytes(500 + i, sizes[i]);
            write(src, "big" + i + ".bin", data);
            expected.put("big" + i + ".bin", md5(data));
        }
        String bucket = S3TestFiles.newBucket(server, "direct");
        try (ParallelUploader up = ParallelUploader.builder(s3).options(ParallelUploaderTest.small()).build()) {
            assertThat(up.upload(src, S3Location.parse("s3://" + bucket + "/d")).failed()).isZero();
        }
        List<DownloadOptions> modes = List.of(small(), small().withRanges(1 << 20, (1 << 20) + 512),
                small().withRanges(64 << 20, 16 << 20), small().withDurability(DownloadOptions.Durability.PER_FILE));
        Path probe = Files.createFile(dst.resolve("probe"));
        boolean directHere;
        try (DirectRegion.Target t = DirectRegion.open(probe)) {
            directHere = t != null;
        }
        Files.delete(probe);
        long directBefore = DirectRegion.directRegionsInThisJvm();
        for (int m = 0; m < modes.size(); m++) {
            Path out = dst.resolve("out" + m);
            try (ParallelDownloader down = ParallelDownloader.builder(s3).options(modes.get(m)).build()) {
                TransferReport r = down.download(S3Location.parse("s3://" + bucket + "/d"), out);
                assertThat(r.failures()).as("mode %d", m).isEmpty();
                assertThat(r.transferred()).isEqualTo(sizes.length);
            }
            assertThat(localTree(out)).as("mode %d", m).isEqualTo(expected);
            for (int i = 0; i < sizes.length; i++) {
                assertThat(Files.size(out.resolve("big" + i + ".bin"))).isEqualTo(sizes[i]);
            }
        }
        // the bytes are checked above on any file system; that O_DIRECT really ran is checked where it can run
        org.junit.jupiter.api.Assumptions.assumeTrue(directHere, () -> "O_DIRECT is not available on any file system"
                + " tried (SupportingFolders): the bytes were checked, the direct writes could not be");
        assertThat(DirectRegion.directRegionsInThisJvm()).isGreaterThan(directBefore);
    }

    @Test
    void roundTripRestoresEveryFileByteForByte(@TempDir Path src, @TempDir Path dst) throws IOException {
        Map<String, String> expected = new TreeMap<>();
        List<String> names = List.of("a b/c d.txt", "plus+sign.txt", "100%.txt", "hash#tag.txt", "café/été.jpg",
                "日本語/ファイル.txt", "deep/er/and/deeper/x.bin");
        for (int i = 0; i < names.size(); i++) {
            byte[] data = bytes(i, 100 + i * 1000);
            write(src, names.get(i), data);
            expected.put(names.get(i), md5(data));
        }
        byte[] big = bytes(42, (3 << 20) + 12345);   // ranged: 4 parts of 1 MiB
        write(src, "video/big.mp4", big);
        expected.put("video/big.mp4", md5(big));
        String bucket = S3TestFiles.newBucket(server, "roundtrip");
        Instant mtime = Instant.parse("2024-05-01T10:00:00Z");
        Files.setLastModifiedTime(src.resolve("plus+sign.txt"), java.nio.file.attribute.FileTime.from(mtime));
        try (ParallelUploader up = ParallelUploader.builder(s3).options(ParallelUploaderTest.small()).build()) {
            assertThat(up.upload(src, S3Location.parse("s3://" + bucket + "/r")).failed()).isZero();
        }
        TransferReport r;
        try (ParallelDownloader down = ParallelDownloader.builder(s3).options(small()).build()) {
            r = down.download(S3Location.parse("s3://" + bucket + "/r"), dst.resolve("restore"));
        }
        assertThat(r.failures()).isEmpty();
        assertThat(r.transferred()).isEqualTo(names.size() + 1);
        assertThat(r.bytesTransferred()).isEqualTo(expected.keySet().stream()
                .mapToLong(n -> src.resolve(n).toFile().length()).sum());
        assertThat(localTree(dst.resolve("restore"))).isEqualTo(expected);
        assertThat(Files.getLastModifiedTime(dst.resolve("restore/plus+sign.txt")).toInstant()).isEqualTo(mtime);

        // second run: everything is there already
        try (ParallelDownloader down = ParallelDownloader.builder(s3).options(small()).build()) {
            TransferReport again = down.download(S3Location.parse("s3://" + bucket + "/r"), dst.resolve("restore"));
            assertThat(again.skipped()).isEqualTo(names.size() + 1);
            assertThat(again.transferred()).isZero();
        }
        // a damaged local file of the same size is found with the checksum check
        Files.write(dst.resolve("restore/100%.txt"), bytes(999, (int) src.resolve("100%.txt").toFile().length()));
        try (ParallelDownloader down = ParallelDownloader.builder(s3)
                .options(small().withSkip(DownloadOptions.Skip.SAME_SIZE_AND_CHECKSUM)).build()) {
            TransferReport again = down.download(S3Location.parse("s3://" + bucket + "/r"), dst.resolve("restore"));
            assertThat(again.transferred()).isZero();
            assertThat(again.failures()).singleElement().satisfies(f -> {
                assertThat(f.path()).isEqualTo("100%.txt");
                assertThat(f.reason()).contains("exists and differs").contains("--force");
            });
        }
        try (ParallelDownloader down = ParallelDownloader.builder(s3).options(small()
                .withSkip(DownloadOptions.Skip.SAME_SIZE_AND_CHECKSUM).withOverwrite(true)).build()) {
            TransferReport again = down.download(S3Location.parse("s3://" + bucket + "/r"), dst.resolve("restore"));
            assertThat(again.transferred()).isEqualTo(1);
        }
        assertThat(localTree(dst.resolve("restore"))).isEqualTo(expected);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(DownloadOptions.Durability.class)
    void aFileIsUnderItsNameWithItsBytesWhenItIsReportedAndNoTemporaryFileStays(DownloadOptions.Durability durability,
                                                                                @TempDir Path src, @TempDir Path dst)
            throws IOException {
        Map<String, String> expected = new TreeMap<>();
        for (int i = 0; i < 300; i++) {
            String name = "d" + (i % 7) + "/f" + i + ".bin";
            byte[] data = bytes(i, 1 + i * 37);
            write(src, name, data);
            expected.put(name, md5(data));
        }
        byte[] big = bytes(7, (2 << 20) + 99);   // ranged: 3 parts of 1 MiB
        write(src, "big.bin", big);
        expected.put("big.bin", md5(big));
        String bucket = S3TestFiles.newBucket(server, "durable-" + durability.name().toLowerCase().replace('_', '-'));
        try (ParallelUploader up = ParallelUploader.builder(s3).options(ParallelUploaderTest.small()).build()) {
            assertThat(up.upload(src, S3Location.parse("s3://" + bucket + "/t")).failed()).isZero();
        }
        // on a file system with syncfs when there is one, so the batched durability really runs
        Path out = syncfsFolderOr(dst).resolve("out");
        List<String> wrong = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.Set<String> told = java.util.concurrent.ConcurrentHashMap.newKeySet();
        TransferListener check = new TransferListener() {
            @Override
            public void onFile(FileReport f) {
                try {
                    String md5 = md5(Files.readAllBytes(out.resolve(f.path())));
                    if (f.status() != FileReport.Status.TRANSFERRED || !md5.equals(expected.get(f.path()))) {
                        wrong.add(f.path() + " " + f.status() + " " + md5);
                    }
                } catch (IOException e) {
                    wrong.add(f.path() + " reported before it had its name: " + e);
                }
                if (!told.add(f.path())) {
                    wrong.add(f.path() + " reported twice");
                }
            }
        };
        TransferReport r;
        long syncsBefore = io.stowage.s3.internal.BatchedCommits.syncsInThisJvm();
        try (ParallelDownloader down = ParallelDownloader.builder(s3)
                .options(small().withDurability(durability)).listener(check).build()) {
            r = down.download(S3Location.parse("s3://" + bucket + "/t"), out);
        }
        long syncs = io.stowage.s3.internal.BatchedCommits.syncsInThisJvm() - syncsBefore;
        if (durability == DownloadOptions.Durability.PER_FILE) {
            assertThat(syncs).isZero();
        } else if (syncfsUsedAt(out)) {
            assertThat(syncs).as("batched: fewer syncs than files").isPositive().isLessThan(expected.size());
        } else {
            System.out.println("note: syncfs is not used on " + out + " (" + Files.getFileStore(out).type()
                    + "): the batched-sync count is not checked there, each file was fsynced");
        }
        assertThat(wrong).isEmpty();
        assertThat(r.failures()).isEmpty();
        assertThat(r.transferred()).isEqualTo(expected.size());
        assertThat(told).containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(localTree(out)).isEqualTo(expected);   // nothing else: no temporary file left behind
    }

    private static Path firstDirectFolderOr(Path fallback) {
        try {
            return io.stowage.s3.internal.SupportingFolders.oDirect(fallback);
        } catch (org.opentest4j.TestAbortedException none) {
            return fallback;   // no file system takes O_DIRECT: the bytes are still checked, the direct writes not
        }
    }

    private static Path syncfsFolderOr(Path fallback) {
        try {
            return io.stowage.s3.internal.SupportingFolders.syncfs(fallback);
        } catch (org.opentest4j.TestAbortedException none) {
            return fallback;   // no file system has syncfs: the files are still checked, the batch count not
        }
    }

    private static boolean syncfsUsedAt(Path dir) {
        java.util.Optional<io.stowage.s3.internal.SyncFs> fs = io.stowage.s3.internal.SyncFs.open(dir);
        fs.ifPresent(io.stowage.s3.internal.SyncFs::close);
        return fs.isPresent();
    }

    @Test
    void keysThatWouldEscapeTheFolderAreRefused(@TempDir Path dst) throws IOException {
        // S3Proxy's filesystem store cannot hold such keys; FaultInjectionTest serves them in a real listing
        String bucket = S3TestFiles.newBucket(server, "escape");
        s3.putObject(b -> b.bucket(bucket).key("p/ok.txt"), RequestBody.fromString("ok"));
        TransferReport r;
        try (ParallelDownloader down = ParallelDownloader.builder(s3).options(small()).build()) {
            r = down.download(S3Location.parse("s3://" + bucket + "/p"),
                    List.of("p/ok.txt", "p/../../evil.txt", "p/a/../../../etc/x", "p//double").iterator(),
                    dst.resolve("out"));
        }
        assertThat(r.transferred()).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(3);
        assertThat(r.failures()).extracting(TransferReport.Failure::reason)
                .allMatch(reason -> reason.contains("refusing to write it outside the target folder"));
        try (Stream<Path> all = Files.walk(dst)) {
            assertThat(all.filter(Files::isRegularFile).map(p -> dst.relativize(p).toString()))
                    .containsExactly("out/ok.txt");
        }
    }

    @Test
    void safePathsRejectEveryEscape(@TempDir Path root) {
        for (String bad : List.of("../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a/.", "..", "", "a\0b")) {
            assertThatThrownBy(() -> io.stowage.s3.internal.SafePaths.resolve(root, "k:" + bad, bad))
                    .as(bad).isInstanceOf(S3UnsafeKeyException.class)
                    .satisfies(e -> assertThat(((S3UnsafeKeyException) e).key()).isEqualTo("k:" + bad))
                    .satisfies(e -> assertThat(((S3UnsafeKeyException) e).reason()).isNotBlank());
        }
        assertThat(io.stowage.s3.internal.SafePaths.resolve(root, "k", "a/b c/..d/e.."))
                .isEqualTo(root.toAbsolutePath().resolve("a/b c/..d/e.."));
    }

    @Test
    void aTargetUnderARegularFileIsAClearError(@TempDir Path dst) throws IOException {
        String bucket = S3TestFiles.newBucket(server, "blocked");
        s3.putObject(b -> b.bucket(bucket).key("x/a.txt"), RequestBody.fromString("a"));
        s3.putObject(b -> b.bucket(bucket).key("x/sub/b.txt"), RequestBody.fromString("b"));
        Path file = Files.writeString(dst.resolve("plain-file"), "I am a file");
        try (ParallelDownloader down = ParallelDownloader.builder(s3).options(small()).build()) {
            assertThatThrownBy(() -> down.download(S3Location.parse("s3://" + bucket + "/x"), file.resolve("out")))
                    .isInstanceOf(S3IoException.class)
                    .hasMessageContaining("a file is in the way at " + file);
            // one object blocked by a local file: that file fails alone, with the reason
            Path out = dst.resolve("out");
            Files.createDirectories(out);
            Files.writeString(out.resolve("sub"), "blocking file");
            TransferReport r = down.download(S3Location.parse("s3://" + bucket + "/x"), out);
            assertThat(r.transferred()).isEqualTo(1);
            assertThat(r.failures()).singleElement().satisfies(f -> {
                assertThat(f.path()).isEqualTo("sub/b.txt");
                assertThat(f.reason()).contains("a file is in the way at " + out.resolve("sub"));
            });
        }
    }

    @Test
    void downloadsAKeyListAndFolderMarkersAreIgnored(@TempDir Path dst) throws IOException {
        String bucket = S3TestFiles.newBucket(server, "keys");
        for (int i = 0; i < 5; i++) {
            int n = i;
            s3.putObject(b -> b.bucket(bucket).key("k/f" + n), RequestBody.fromString("v" + n));
        }
        s3.putObject(b -> b.bucket(bucket).key("k/folder/"), RequestBody.empty());
        try (ParallelDownloader down = ParallelDownloader.builder(s3).options(small()).build()) {
            TransferReport r = down.download(S3Location.parse("s3://" + bucket + "/k"),
                    List.of("k/f1", "k/f3", "k/missing").iterator(), dst);
            assertThat(r.transferred()).isEqualTo(2);
            assertThat(r.failures()).singleElement().satisfies(f -> assertThat(f.reason()).contains("404"));
            TransferReport all = down.download(S3Location.parse("s3://" + bucket + "/k"), dst);
            assertThat(all.transferred()).isEqualTo(3);
            assertThat(all.skipped()).isEqualTo(2);
            assertThat(all.ignored()).extracting(TransferReport.Failure::path).containsExactly("folder/");
        }
        assertThat(Files.readString(dst.resolve("f3"), StandardCharsets.UTF_8)).isEqualTo("v3");
        assertThat(dst.resolve("folder")).doesNotExist();
    }

    static String crc32c(byte[] data) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(data);
        return String.format("%08x", c.getValue());
    }

    /** Flips one byte of an object where the store keeps it: bit rot at rest (same size, same ETag and metadata). */
    static void rot(String bucket, String key, long at) throws IOException {
        Path stored = server.directory().resolve(bucket).resolve(key);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(stored,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x20)).rewind();
            ch.write(b, at);
        }
    }

    static List<Path> regularFiles(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void uploadsRecordACrc32cThatRangedAndWholeDownloadsCheck(@TempDir Path src, @TempDir Path dst)
            throws IOException {
        byte[] big = bytes(7, (2 << 20) + 777);   // one streamed PUT (over 1 MiB, under the multipart threshold)
        byte[] small = bytes(8, 1000);            // sent from memory: its ETag (MD5) is its check
        write(src, "big.bin", big);
        write(src, "small.txt", small);
        String bucket = S3TestFiles.newBucket(server, "crc");
        try (ParallelUploader up = ParallelUploader.builder(s3).options(ParallelUploaderTest.small()).build()) {
            assertThat(up.upload(src, S3Location.parse("s3://" + bucket + "/c")).failed()).isZero();
        }
        assertThat(s3.headObject(b -> b.bucket(bucket).key("c/big.bin")).metadata())
                .containsEntry("stowage-crc32c", crc32c(big));
        assertThat(s3.headObject(b -> b.bucket(bucket).key("c/small.txt")).metadata())
                .doesNotContainKey("stowage-crc32c");
        // ranged (three 1 MiB ranges, combined CRCs) and whole (one GET) both restore the bytes
        List<DownloadOptions> modes = List.of(small(), small().withRanges(64 << 20, 16 << 20));
        for (int i = 0; i < modes.size(); i++) {
            try (ParallelDownloader down = ParallelDownloader.builder(s3).options(modes.get(i)).build()) {
                TransferReport r = down.download(S3Location.parse("s3://" + bucket + "/c"), dst.resolve("ok" + i));
                assertThat(r.failures()).isEmpty();
            }
            assertThat(Files.readAllBytes(dst.resolve("ok" + i + "/big.bin"))).isEqualTo(big);
        }
        // one byte rots in the store: both ways fail that file on its CRC and leave nothing under any name
        rot(bucket, "c/big.bin", (1 << 20) + 5);
        for (int i = 0; i < modes.size(); i++) {
            Path out = dst.resolve("rot" + i);
            try (ParallelDownloader down = ParallelDownloader.builder(s3).options(modes.get(i)).build()) {
                TransferReport r = down.download(S3Location.parse("s3://" + bucket + "/c"), out);
                assertThat(r.transferred()).isEqualTo(1);
                String how = i == 0 ? "of its 3 ranges" : "of the received bytes";
                assertThat(r.failures()).singleElement().satisfies(f -> {
                    assertThat(f.path()).isEqualTo("big.bin");
                    assertThat(f.reason()).contains("CRC-32C").contains(how).contains("stowage-crc32c")
                            .contains("and so does its MD5");
                });
            }
            assertThat(regularFiles(out)).containsExactly(out.resolve("small.txt"));
        }
    }

    @Test
    void aStaleCrcLeftByAToolThatKeptTheMetadataIsOverruledByTheMd5ETag(@TempDir Path dst) throws IOException {
        byte[] data = bytes(10, (2 << 20) + 5);
        String bucket = S3TestFiles.newBucket(server, "stale");
        // rewritten by another tool that copied the old metadata: the CRC is of other bytes, the ETag is right
        s3.putObject(b -> b.bucket(bucket).key("s/rewritten.bin").metadata(Map.of("stowage-crc32c", "0badc0de")),
                RequestBody.fromBytes(data));
        for (DownloadOptions o : List.of(small(), small().withRanges(64 << 20, 16 << 20))) {
            Path out = dst.resolve("out" + o.rangedThreshold());
            try (ParallelDownloader down = ParallelDownloader.builder(s3).options(o).build()) {
                assertThat(down.download(S3Location.parse("s3://" + bucket + "/s"), out).failures()).isEmpty();
            }
            assertThat(Files.readAllBytes(out.resolve("rewritten.bin"))).isEqualTo(data);
        }
    }

    @Test
    void objectsWithoutACrcAreCheckedAgainstTheirMd5ETagAfterRanges(@TempDir Path dst) throws IOException {
        byte[] data = bytes(9, (2 << 20) + 99);
        String bucket = S3TestFiles.newBucket(server, "md5");
        s3.putObject(b -> b.bucket(bucket).key("m/other-tool.bin"), RequestBody.fromBytes(data));   // no CRC metadata
        try (ParallelDownloader down = ParallelDownloader.builder(s3).options(small()).build()) {
            assertThat(down.download(S3Location.parse("s3://" + bucket + "/m"), dst.resolve("ok")).failures())
                    .isEmpty();
        }
        assertThat(Files.readAllBytes(dst.resolve("ok/other-tool.bin"))).isEqualTo(data);
        rot(bucket, "m/other-tool.bin", 12345);
        try (ParallelDownloader down = ParallelDownloader.builder(s3).options(small()).build()) {
            TransferReport r = down.download(S3Location.parse("s3://" + bucket + "/m"), dst.resolve("rot"));
            assertThat(r.failures()).singleElement().satisfies(f -> assertThat(f.reason())
                    .contains("MD5").contains("of the downloaded"));   // the pass after the ranges
        }
        assertThat(regularFiles(dst.resolve("rot"))).isEmpty();
    }
}
