package io.stowage.s3.internal;

import io.stowage.s3.DownloadOptions;
import io.stowage.s3.EmbeddedS3;
import io.stowage.s3.ParallelDownloader;
import io.stowage.s3.S3Location;
import io.stowage.s3.TransferReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two keys that are one local file where the file system folds case or Unicode normalization (macOS, Windows, ext4
 * casefold) both fail with the reason, and neither is written: no silent overwrite. The file system's answer is given
 * ({@link NameFolding#forTests}: this machine's ext4 folds nothing); the probe itself is checked against it.
 */
class DownloadCollisionsTest {
    static EmbeddedS3 server;
    static S3Client s3;

    @BeforeAll
    static void start() {
        server = EmbeddedS3.builder().bucket("fold").start();
        s3 = server.newClient();
        s3.putObject(b -> b.bucket("fold").key("day/Photo.jpg"), RequestBody.fromString("upper"));
        s3.putObject(b -> b.bucket("fold").key("day/photo.jpg"), RequestBody.fromString("lower"));
        s3.putObject(b -> b.bucket("fold").key("day/caf\u00e9.txt"), RequestBody.fromString("nfc"));
        s3.putObject(b -> b.bucket("fold").key("day/cafe\u0301.txt"), RequestBody.fromString("nfd"));
        s3.putObject(b -> b.bucket("fold").key("day/alone.txt"), RequestBody.fromString("alone"));
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    @AfterEach
    void probeAgain() {
        NameFolding.forTests = null;
    }

    static TransferReport download(Path folder) {
        try (ParallelDownloader d = ParallelDownloader.builder(s3).options(DownloadOptions.defaults().withWorkers(2))
                .build()) {
            return d.download(S3Location.parse("s3://fold/day/"), folder);
        }
    }

    static long files(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void twoKeysOfOneLocalFileOnAFoldingFileSystemBothFailAndNeitherIsWritten(@TempDir Path folder)
            throws IOException {
        NameFolding.forTests = new NameFolding(true, true);
        TransferReport r = download(folder);
        assertThat(r.transferred()).as("%s", r).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(4);
        assertThat(r.failures()).allSatisfy(f -> assertThat(f.reason()).contains("map to the same local file"));
        assertThat(r.failures()).filteredOn(f -> f.key().equals("day/Photo.jpg")).singleElement()
                .satisfies(f -> assertThat(f.reason()).contains("day/photo.jpg"));
        assertThat(r.failures()).filteredOn(f -> f.key().equals("day/photo.jpg")).singleElement()
                .satisfies(f -> assertThat(f.reason()).contains("day/Photo.jpg"));
        assertThat(files(folder)).isEqualTo(1);
        assertThat(Files.readString(folder.resolve("alone.txt"))).isEqualTo("alone");
    }

    @Test
    void onAFileSystemThatTellsNamesApartEveryKeyIsItsOwnFile(@TempDir Path folder) throws IOException {
        NameFolding probed = NameFolding.probe(folder);
        org.junit.jupiter.api.Assumptions.assumeFalse(probed.folds(), () -> "this file system folds names ("
                + probed + "): the other test covers it");
        TransferReport r = download(folder);
        assertThat(r.isComplete()).as("%s", r).isTrue();
        assertThat(files(folder)).isEqualTo(5);
        try (Stream<Path> s = Files.list(folder)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".stowage-probe"));
        }
    }
}
