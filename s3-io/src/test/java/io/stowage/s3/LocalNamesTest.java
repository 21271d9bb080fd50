package io.stowage.s3;

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
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Local names that cannot become keys one-to-one, and keys that cannot become local names: two files of one key
 * (Unicode NFC and NFD, or names differing only in bytes that are not UTF-8) both fail naming the other and neither
 * is stored; a download's temporary files are never uploaded and a re-run removes those a killed download left; under
 * a C locale a name the JVM cannot represent fails that file only (upload and download), never the batch.
 */
class LocalNamesTest {
    static EmbeddedS3 server;
    static S3Client s3;

    @BeforeAll
    static void start() {
        server = EmbeddedS3.builder().start();
        s3 = server.settings().newClient();
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    static TransferReport upload(Path dir, String bucket) {
        try (ParallelUploader up = ParallelUploader.builder(s3).options(UploadOptions.defaults().withWorkers(2)
                .withRetries(2, Duration.ZERO, Duration.ZERO)).build()) {
            return up.upload(dir, S3Location.parse("s3://" + bucket + "/day/"));
        }
    }

    static List<String> keys(String bucket) {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().forEach(o -> keys.add(o.key()));
        return keys;
    }

    @Test
    void twoLocalFilesOfOneKeyNfcAndNfdBothFailNamingTheOtherAndNeitherIsStored(@TempDir Path dir)
            throws IOException {
        String nfc = "caf\u00e9.txt";
        String nfd = Normalizer.normalize(nfc, Normalizer.Form.NFD);
        Files.writeString(dir.resolve(nfc), "composed");
        Files.writeString(dir.resolve(nfd), "decomposed");
        Files.writeString(dir.resolve("plain.txt"), "plain");
        Files.createDirectories(dir.resolve("r\u00e9s"));
        Files.createDirectories(dir.resolve(Normalizer.normalize("r\u00e9s", Normalizer.Form.NFD)));
        Files.writeString(dir.resolve("r\u00e9s").resolve("x.txt"), "one");
        Files.writeString(dir.resolve(Normalizer.normalize("r\u00e9s", Normalizer.Form.NFD)).resolve("x.txt"), "two");
        String bucket = S3TestFiles.newBucket(server, "nfc");
        TransferReport r = upload(dir, bucket);
        assertThat(r.transferred()).as("%s", r).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(4);
        assertThat(r.isComplete()).isFalse();
        assertThat(keys(bucket)).containsExactly("day/plain.txt");
        assertThat(r.failures()).filteredOn(f -> f.path().equals(nfc)).hasSize(2).allSatisfy(f ->
                assertThat(f.reason()).contains("caf%C3%A9.txt").contains("cafe%CC%81.txt")
                        .contains("map to the same key 'day/" + nfc + "'").contains("rename one"));
        assertThat(r.failures()).filteredOn(f -> f.path().equals("r\u00e9s/")).hasSize(2);
    }

    @Test
    void namesDifferingOnlyInBytesThatAreNotUtf8BothFailNamingTheOther(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh to create file names that are not UTF-8");
        Process p = new ProcessBuilder("/bin/sh", "-c", "printf x > \"$(printf 'a\\377')\" && printf y > "
                + "\"$(printf 'a\\376')\"").directory(dir.toFile()).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
        String bucket = S3TestFiles.newBucket(server, "bytes");
        TransferReport r = upload(dir, bucket);
        assertThat(r.transferred()).as("%s", r).isZero();
        assertThat(r.failures()).hasSize(2).allSatisfy(f -> assertThat(f.reason()).contains("a%FE").contains("a%FF")
                .contains("same key"));
        assertThat(keys(bucket)).isEmpty();
    }

    @Test
    void aDownloadsTemporaryFilesAreNotUploadedAndAReRunRemovesThoseAKilledOneLeft(@TempDir Path dir,
                                                                                @TempDir Path restore)
            throws IOException {
        Files.writeString(dir.resolve("a.txt"), "a");
        Path stale = dir.resolve(".a.txt.stowage-part-3f2a9c01d4e5b6a7");
        Files.writeString(stale, "half of a");
        Files.writeString(dir.resolve(".looks.stowage-part-but-is-mine"), "kept");
        String bucket = S3TestFiles.newBucket(server, "temps");
        TransferReport up = upload(dir, bucket);
        assertThat(keys(bucket)).containsExactly("day/.looks.stowage-part-but-is-mine", "day/a.txt");
        assertThat(up.ignored()).extracting(TransferReport.Failure::path)
                .contains(".a.txt.stowage-part-3f2a9c01d4e5b6a7");

        // a killed download left temporaries in the target folder, beside a file already there and one to come
        Files.createDirectories(restore.resolve("sub"));
        Files.writeString(restore.resolve("a.txt"), "a");
        Path leftBeside = restore.resolve(".a.txt.stowage-part-00ff");
        Path leftDeeper = restore.resolve("sub/.b.txt.stowage-part-0a0b");
        Files.writeString(leftBeside, "half");
        Files.writeString(leftDeeper, "half");
        s3.putObject(b -> b.bucket(bucket).key("day/sub/b.txt"), RequestBody.fromString("b"));
        try (ParallelDownloader d = ParallelDownloader.builder(s3).options(DownloadOptions.defaults().withWorkers(2))
                .build()) {
            TransferReport r = d.download(S3Location.parse("s3://" + bucket + "/day/"), restore);
            assertThat(r.isComplete()).as("%s", r).isTrue();
        }
        assertThat(leftBeside).doesNotExist();
        assertThat(leftDeeper).doesNotExist();
        assertThat(Files.readString(restore.resolve("sub/b.txt"))).isEqualTo("b");
        try (Stream<Path> s = Files.walk(restore)) {
            assertThat(s.map(x -> x.getFileName().toString()).filter(n -> n.contains(".stowage-part-")))
                    .containsExactly(".looks.stowage-part-but-is-mine");
        }
    }

    /**
     * Runs {@link CLocaleTransfers} in a child JVM under {@code LC_ALL=C} (its file name encoding ASCII): the
     * non-ASCII name fails alone, the ASCII one is transferred, both ways; the child exits 0 (no crash).
     */
    @Test
    void aNameTheJvmCannotRepresentUnderACLocaleFailsThatFileOnlyBothWays(@TempDir Path dir, @TempDir Path restore)
            throws Exception {
        Files.writeString(dir.resolve("plain.txt"), "plain");
        Files.writeString(dir.resolve("caf\u00e9.txt"), "cafe");
        String bucket = S3TestFiles.newBucket(server, "clocale");
        s3.putObject(b -> b.bucket(bucket).key("down/plain.txt"), RequestBody.fromString("p"));
        s3.putObject(b -> b.bucket(bucket).key("down/\u00fcber.txt"), RequestBody.fromString("u"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CLocaleTransfers.class.getName(),
                server.endpoint().toString(), bucket, dir.toString(), restore.toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
        pb.environment().put("LC_ALL", "C");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("encoding ANSI_X3.4-1968")
                .contains("upload transferred=1 failed=1").contains("download transferred=1 failed=1")
                .contains("LC_ALL=C.UTF-8");
        assertThat(keys(bucket)).contains("up/plain.txt").noneMatch(k -> k.startsWith("up/caf"));
        assertThat(Files.readString(restore.resolve("plain.txt"))).isEqualTo("p");
    }
}
