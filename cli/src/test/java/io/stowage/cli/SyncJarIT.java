package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.s3.ETags;
import io.stowage.s3.EmbeddedS3;
import io.stowage.testing.core.PgSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code stowage upload --state} through the shaded jar, run as users run it: killed with {@code kill -9} while a
 * multipart file is in flight and run again as the same command (objects counted on the wire), with a PostgreSQL
 * ledger (the jar really loads the driver), and with a PostgreSQL URL that names no database.
 */
class SyncJarIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BUCKET = "jarsync";
    static final long PART = 5L << 20;
    static EmbeddedS3 server;
    static S3Client s3;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        server = EmbeddedS3.builder().bucket(BUCKET).start();
        s3 = server.newClient();
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    private static List<String> java(Path jar) {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString()));
    }

    private static Process start(Path out, String... args) throws Exception {
        List<String> cmd = java(Path.of(System.getProperty("stowage.jar")));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private static Map<String, S3Object> objects(String prefix) {
        Map<String, S3Object> m = new TreeMap<>();
        s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().forEach(o -> m.put(o.key(), o));
        return m;
    }

    /** A tree whose first file (in walk and claim order) is multipart: 8 parts of 5 MiB, then 6 small files. */
    private Path tree() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("src"));
        byte[] big = new byte[(int) (8 * PART - 12345)];
        new Random(17).nextBytes(big);
        Files.write(dir.resolve("a-big.bin"), big);
        for (int i = 0; i < 6; i++) {
            Files.writeString(dir.resolve("small-" + i + ".txt"), "small file " + i + " " + "y".repeat(i * 7));
        }
        return dir;
    }

    /** Issue 24: kill -9 of the real CLI with a multipart file in flight, then the same command: nothing lost or sent twice. */
    @Test
    void killMinus9WithAMultipartFileInFlightThenTheSameCommandSendsNothingTwice() throws Exception {
        Path dir = tree();
        String state = tmp.resolve("ledger.db").toString();
        try (WireLog wire = new WireLog(server.endpoint(), BUCKET).delay(400)) {
            String[] command = {"upload", dir.toString(), "s3://" + BUCKET + "/k9", "--endpoint",
                    wire.endpoint().toString(), "--state", state, "--project", "k9", "--workers", "2",
                    "--multipart-threshold", "5MiB", "--part-size", "5MiB", "--json"};
            Process first = start(tmp.resolve("first.out"), command);
            boolean partIn = wire.awaitParts(1, Duration.ofSeconds(90));
            assertThat(partIn && first.isAlive()).as("a part of the big file was stored while the CLI runs "
                    + "(output: %s)", Files.readString(tmp.resolve("first.out"))).isTrue();
            first.destroyForcibly();   // SIGKILL: no shutdown hook, no ledger flush
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(wire.awaitIdle(Duration.ofSeconds(30))).isTrue();
            List<String> before = wire.stored();
            assertThat(before).as("the multipart upload was in flight, not complete, at the kill")
                    .doesNotContain("k9/a-big.bin");
            assertThat(objects("k9/").keySet()).isEqualTo(new TreeSet<>(before));

            wire.delay(0);
            Process again = start(tmp.resolve("again.out"), command);
            assertThat(again.waitFor(3, TimeUnit.MINUTES)).isTrue();
            String out = Files.readString(tmp.resolve("again.out"));
            assertThat(again.exitValue()).as(out).isZero();
            List<String> after = wire.stored().subList(before.size(), wire.stored().size());
            assertThat(after).as("sent by the re-run").doesNotHaveDuplicates()
                    .doesNotContainAnyElementsOf(before).contains("k9/a-big.bin");
            Set<String> all = new TreeSet<>(before);
            all.addAll(after);
            Set<String> expected = new TreeSet<>();
            try (var files = Files.list(dir)) {
                files.forEach(f -> expected.add("k9/" + f.getFileName()));
            }
            assertThat(all).isEqualTo(expected);
        }
        Map<String, S3Object> stored = objects("k9/");
        assertThat(stored.keySet()).hasSize(7);
        for (Map.Entry<String, S3Object> e : stored.entrySet()) {
            Path local = dir.resolve(e.getKey().substring(3));
            String eTag = ETags.unquote(e.getValue().eTag());
            String want = ETags.isMultipart(eTag) ? ETags.multipartETag(local, Files.size(local), PART)
                    : ETags.md5Hex(local);
            assertThat(eTag).as("content of %s", e.getKey()).isEqualToIgnoringCase(want);
        }
        JsonNode status = JSON.readTree(StowageJarIT.run("sync", "status", "--project", "k9", "--state", state,
                "--json").out());
        assertThat(status.get("uploaded").asLong()).isEqualTo(7);
        assertThat(status.get("failed").asLong() + status.get("pending").asLong()
                + status.get("uploading").asLong()).isZero();
    }

    /** Issue 24: the shaded jar really loads the PostgreSQL driver (a fresh schema through currentSchema=). */
    @Test
    void aPostgresqlLedgerWorksFromTheShadedJar() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("pg"));
        for (int i = 0; i < 3; i++) {
            Files.writeString(dir.resolve("f" + i + ".txt"), "pg " + i);
        }
        PgSchema pg = PgSchema.create("cli_jar");
        try {
            StowageJarIT.Proc up = StowageJarIT.run("upload", dir.toString(), "s3://" + BUCKET + "/pg", "--endpoint",
                    server.endpoint().toString(), "--state", pg.url(), "--project", "pg", "--json");
            assertThat(up.code()).as(up.err()).isZero();
            JsonNode rep = JSON.readTree(up.out());
            assertThat(rep.get("uploaded").asLong()).isEqualTo(3);
            assertThat(rep.get("state").asText()).startsWith("jdbc:postgresql://").contains(pg.schema());
            StowageJarIT.Proc again = StowageJarIT.run("upload", dir.toString(), "s3://" + BUCKET + "/pg",
                    "--endpoint", server.endpoint().toString(), "--state", pg.url(), "--project", "pg", "--json");
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(JSON.readTree(again.out()).get("unchanged").asLong()).isEqualTo(3);
            StowageJarIT.Proc status = StowageJarIT.run("sync", "status", "--project", "pg", "--state", pg.url(),
                    "--json");
            assertThat(status.code()).as(status.err()).isZero();
            assertThat(JSON.readTree(status.out()).get("uploaded").asLong()).isEqualTo(3);
        } finally {
            pg.close();
        }
    }

    /** Issue 17: a PostgreSQL URL without a database printed a raw driver WARNING and "No suitable driver", exit 1. */
    @Test
    void aPostgresqlUrlWithoutADatabaseIsExitTwoSayingSo() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("nodb"));
        Files.writeString(dir.resolve("f.txt"), "x");
        StowageJarIT.Proc p = StowageJarIT.run("upload", dir.toString(), "s3://" + BUCKET + "/nodb", "--endpoint",
                server.endpoint().toString(), "--state", "jdbc:postgresql://127.0.0.1:5432", "--project", "n");
        String all = p.err() + new String(p.out(), StandardCharsets.UTF_8);
        assertThat(p.code()).as(all).isEqualTo(2);
        assertThat(all).contains("names no database").contains("jdbc:postgresql://HOST:5432/DATABASE")
                .doesNotContain("WARNING").doesNotContain("No suitable driver");
        assertThat(objects("nodb/")).isEmpty();
    }
}
