package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.s3.EmbeddedS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** stowage upload / download / s3 cleanup in-process against EmbeddedS3 over HTTP. */
class S3CliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedS3 server;
    static S3Client s3;
    static String endpoint;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        server = EmbeddedS3.builder().bucket("media").bucket("other").bucket("stale").start();
        s3 = server.newClient();
        endpoint = server.endpoint().toString();
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    Path photos(int n) throws Exception {
        Path dir = tmp.resolve("photos");
        Random r = new Random(1);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[500 + i];
            r.nextBytes(b);
            Path p = dir.resolve("cam" + (i % 2) + "/img " + i + ".jpg");
            Files.createDirectories(p.getParent());
            Files.write(p, b);
        }
        return dir;
    }

    @Test
    void uploadThenUploadAgainSkipsThenDownloadRestoresTheTree() throws Exception {
        Path dir = photos(30);
        CliRun up = CliRun.of("upload", dir.toString(), "s3://media/day1", "--endpoint", endpoint, "--json",
                "--workers", "4");
        assertThat(up.exitCode()).as(up.err()).isZero();
        JsonNode j = JSON.readTree(up.out());
        assertThat(j.get("uploaded").asLong()).isEqualTo(30);
        assertThat(j.get("skipped").asLong()).isZero();
        assertThat(j.get("failed").asLong()).isZero();
        assertThat(j.get("target").asText()).isEqualTo("s3://media/day1/");
        assertThat(j.get("duration_s").isNumber()).isTrue();
        assertThat(j.get("started_at").asText()).endsWith("Z");
        assertThat(j.get("failures")).isEmpty();

        CliRun again = CliRun.of("upload", dir.toString(), "s3://media/day1", "--endpoint", endpoint);
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).startsWith("uploaded 0 files").contains("skipped 30");

        Path restore = tmp.resolve("restore");
        CliRun down = CliRun.of("download", "s3://media/day1", restore.toString(), "--endpoint", endpoint, "--json");
        assertThat(down.exitCode()).as(down.err()).isZero();
        assertThat(JSON.readTree(down.out()).get("downloaded").asLong()).isEqualTo(30);
        for (int i = 0; i < 30; i++) {
            String rel = "cam" + (i % 2) + "/img " + i + ".jpg";
            assertThat(Files.readAllBytes(restore.resolve(rel))).isEqualTo(Files.readAllBytes(dir.resolve(rel)));
        }

        // --fsync-each: the same files, each fsynced by its worker instead of synced in batches
        Path each = tmp.resolve("each");
        CliRun down2 = CliRun.of("download", "s3://media/day1", each.toString(), "--endpoint", endpoint,
                "--fsync-each", "--json");
        assertThat(down2.exitCode()).as(down2.err()).isZero();
        assertThat(JSON.readTree(down2.out()).get("downloaded").asLong()).isEqualTo(30);
        for (int i = 0; i < 30; i++) {
            String rel = "cam" + (i % 2) + "/img " + i + ".jpg";
            assertThat(Files.readAllBytes(each.resolve(rel))).isEqualTo(Files.readAllBytes(dir.resolve(rel)));
        }
    }

    /**
     * A key can hold terminal escapes (here: one that retitles the terminal and one that moves the cursor): the
     * human failure lines show them escaped, never raw; --json keeps the key as it is.
     */
    @Test
    void terminalEscapesInKeysAreEscapedInTheHumanFailureLines() throws Exception {
        String name = "evil\u001b]0;pwned\u0007\u001b[2Aname\u202e.jpg";
        s3.putObject(b -> b.bucket("other").key("esc/" + name), RequestBody.fromString("from the store"));
        Path restore = tmp.resolve("esc");
        Files.createDirectories(restore);
        Files.writeString(restore.resolve(name), "a local file of another size, left alone");
        CliRun r = CliRun.of("download", "s3://other/esc", restore.toString(), "--endpoint", endpoint);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.PARTIAL);
        assertThat(r.out()).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u202e")
                .contains("failed: evil\\x1b]0;pwned\\x07\\x1b[2Aname\\u202e.jpg: ");
        CliRun j = CliRun.of("download", "s3://other/esc", restore.toString(), "--endpoint", endpoint, "--json");
        assertThat(JSON.readTree(j.out()).get("failures").get(0).get("key").asText()).isEqualTo(name);
    }

    @Test
    void twoLocalFilesOfOneKeyFailNamingEachOtherWithExitThree() throws Exception {
        Path dir = tmp.resolve("nfc");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("caf\u00e9.txt"), "composed");
        Files.writeString(dir.resolve("cafe\u0301.txt"), "decomposed");
        CliRun up = CliRun.of("upload", dir.toString(), "s3://other/nfc", "--endpoint", endpoint);
        assertThat(up.exitCode()).as(up.out() + up.err()).isEqualTo(ExitCodes.PARTIAL);
        assertThat(up.out()).contains("failed 2").contains("caf%C3%A9.txt").contains("cafe%CC%81.txt");
        assertThat(s3.listObjectsV2(b -> b.bucket("other").prefix("nfc/")).contents()).isEmpty();
    }

    @Test
    void printableKeepsTextAndEscapesControlAndFormatCharacters() {
        assertThat(S3Cli.printable("caf\u00e9 \uD83D\uDE00 a/b.jpg")).isEqualTo("caf\u00e9 \uD83D\uDE00 a/b.jpg");
        assertThat(S3Cli.printable("a\tb\nc\u009bd\u200be")).isEqualTo("a\\x09b\\x0ac\\x9bd\\u200be");
    }

    @Test
    void failedFilesGiveExitThreeAndAreListedWithTheirReason() throws Exception {
        Path dir = photos(3);
        CliRun down = CliRun.of("upload", dir.toString(), "s3://other/x", "--endpoint", endpoint);
        assertThat(down.exitCode()).isZero();
        Path restore = tmp.resolve("restore");
        Files.createDirectories(restore);
        Files.writeString(restore.resolve("cam0"), "a file where a folder should be");
        CliRun r = CliRun.of("download", "s3://other/x", restore.toString(), "--endpoint", endpoint, "--json");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.PARTIAL);
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("failed").asLong()).isEqualTo(2);
        assertThat(j.get("downloaded").asLong()).isEqualTo(1);
        assertThat(j.get("failures").get(0).get("key").asText()).startsWith("cam0/");
        assertThat(j.get("failures").get(0).get("reason").asText()).contains("a file is in the way");
    }

    @Test
    void usageAndStoreErrorsNameTheProblem() throws Exception {
        Path dir = photos(1);
        CliRun noBucket = CliRun.of("upload", dir.toString(), "s3://missing-bucket/x", "--endpoint", endpoint, "--json");
        assertThat(noBucket.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(JSON.readTree(noBucket.out()).get("error").get("message").asText())
                .contains("bucket 'missing-bucket' does not exist");
        CliRun notS3 = CliRun.of("upload", dir.toString(), "media/x");
        assertThat(notS3.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(notS3.err()).contains("is not an S3 location");
        CliRun noDir = CliRun.of("upload", tmp.resolve("nope").toString(), "s3://media/x", "--endpoint", endpoint);
        assertThat(noDir.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noDir.err()).contains("does not exist");
        CliRun both = CliRun.of("upload", dir.toString(), "s3://media/x", "--force", "--checksum");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        CliRun badSize = CliRun.of("upload", dir.toString(), "s3://media/x", "--part-size", "1MiB",
                "--endpoint", endpoint);
        assertThat(badSize.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badSize.err()).contains("5 MiB");
    }

    @Test
    void cleanupAbortsStaleMultipartUploadsAndDryRunOnlyLists() throws Exception {
        String id = s3.createMultipartUpload(b -> b.bucket("stale").key("day1/big.mp4")).uploadId();
        s3.uploadPart(b -> b.bucket("stale").key("day1/big.mp4").uploadId(id).partNumber(1),
                RequestBody.fromString("part one"));
        CliRun young = CliRun.of("s3", "cleanup", "s3://stale/day1", "--older-than", "1d", "--endpoint", endpoint,
                "--json");
        assertThat(young.exitCode()).isZero();
        assertThat(JSON.readTree(young.out()).get("found").asInt()).isZero();
        CliRun dry = CliRun.of("s3", "cleanup", "s3://stale/day1", "--older-than", "0", "--dry-run",
                "--endpoint", endpoint, "--json");
        JsonNode d = JSON.readTree(dry.out());
        assertThat(d.get("found").asInt()).isEqualTo(1);
        assertThat(d.get("aborted").asInt()).isZero();
        assertThat(d.get("uploads").get(0).get("key").asText()).isEqualTo("big.mp4");
        CliRun real = CliRun.of("s3", "cleanup", "s3://stale/day1", "--older-than", "0", "--endpoint", endpoint);
        assertThat(real.exitCode()).isZero();
        assertThat(real.out()).contains("aborted: big.mp4").contains("aborted 1 of 1");
        assertThat(s3.listMultipartUploads(b -> b.bucket("stale")).uploads()).isEmpty();
    }

    @Test
    void everyS3CommandHasHelpWithAnExample() {
        for (String[] cmd : new String[][] {{"upload", "--help"}, {"download", "--help"}, {"s3", "--help"},
            {"s3", "serve", "--help"}, {"s3", "cleanup", "--help"}}) {
            CliRun r = CliRun.of(cmd);
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).contains("Example").contains("stowage ");
        }
    }
}
