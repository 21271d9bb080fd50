package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code stowage es fetch} and {@code stowage ts check} in-process: exit codes, JSON, files. */
class EsCliTest {
    @TempDir
    Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();

    private static Path segments() {
        return CliRun.vectors().resolve("es-segments").resolve("segments");
    }

    private static byte[] expectedFull() throws Exception {
        return Files.readAllBytes(CliRun.vectors().resolve("es-segments").resolve("expected-full.ts"));
    }

    private Path copy() throws Exception {
        Path dst = tmp.resolve("src");
        try (Stream<Path> s = Files.walk(segments())) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = dst.resolve(segments().relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return dst;
    }

    @Test
    void fetchWholeRecordingIsIdenticalAndExitsZero() throws Exception {
        Path out = tmp.resolve("full.ts");
        CliRun r = CliRun.of("es", "fetch", "--source", segments().toString(), "--from", "2025-01-01T11:59:56Z",
                "--to", "1735732824", "-o", out.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(expectedFull());
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("complete").asBoolean()).isTrue();
        assertThat(j.get("segments_expected").asInt()).isEqualTo(7);
        assertThat(j.get("records").asInt()).isEqualTo(398);
        assertThat(j.get("bytes_written").asLong()).isEqualTo(523204);
        assertThat(j.get("actual_start").asText()).isEqualTo("2025-01-01T11:59:58Z");

        CliRun check = CliRun.of("ts", "check", out.toString(), "--json");
        assertThat(check.exitCode()).isZero();
        JsonNode c = JSON.readTree(check.out());
        assertThat(c.get("cc_errors").asInt()).isZero();
        assertThat(c.get("packets").asInt()).isEqualTo(2783);
        assertThat(c.get("pids")).hasSize(5);
    }

    @Test
    void damagedSourceExitsThreeWithAnExactReport() throws Exception {
        Path src = copy();
        Files.delete(src.resolve("01012025/12/1735732808-1735732812.es"));
        Files.writeString(src.resolve("01012025/12/1735732816-1735732820.es"), "junk",
                java.nio.file.StandardOpenOption.APPEND);
        Path out = tmp.resolve("gap.ts");
        CliRun r = CliRun.of("es", "fetch", "--source", src.toString(), "--from", "2025-01-01T11:59:56Z", "--to",
                "2025-01-01T12:00:24Z", "-o", out.toString(), "--json");
        assertThat(r.exitCode()).isEqualTo(3);
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("missing").get(0).asText()).isEqualTo("01012025/12/1735732808-1735732812.es");
        assertThat(j.get("corrupt").get(0).get("key").asText()).isEqualTo("01012025/12/1735732816-1735732820.es");
        assertThat(j.get("corrupt").get(0).get("offset").asLong()).isEqualTo(89981);
        assertThat(j.get("gaps").get(0).get("from").asText()).isEqualTo("2025-01-01T12:00:08Z");
        assertThat(j.get("gaps").get(0).get("to").asText()).isEqualTo("2025-01-01T12:00:12Z");
        assertThat(CliRun.of("ts", "check", out.toString()).exitCode()).isZero();
    }

    @Test
    void badArgumentsExitTwo() throws Exception {
        Path out = tmp.resolve("x.ts");
        CliRun r = CliRun.of("es", "fetch", "--source", segments().toString(), "--from", "2025-01-01T12:00:10Z",
                "--to", "2025-01-01T12:00:00Z", "-o", out.toString(), "--json");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(JSON.readTree(r.out()).get("error").get("message").asText()).contains("must be before");
        assertThat(CliRun.of("es", "fetch", "--source", segments().toString(), "--from", "noon", "--to",
                "2025-01-01T12:00:00Z", "-o", out.toString()).exitCode()).isEqualTo(2);
        assertThat(CliRun.of("es", "fetch", "--source", segments().toString(), "--from", "2025-01-01T00:00:00Z",
                "--to", "2025-01-03T00:00:00Z", "-o", out.toString()).err()).contains("longer than the limit");
        assertThat(CliRun.of("es", "fetch", "--source", tmp.resolve("nope").toString(), "--from", "1",
                "--to", "2", "-o", out.toString()).exitCode()).isEqualTo(2);
        assertThat(out).doesNotExist();
    }

    @Test
    void existingOutputIsRefusedWithoutForce() throws Exception {
        Path out = tmp.resolve("keep.ts");
        Files.writeString(out, "keep");
        String[] args = {"es", "fetch", "--source", segments().toString(), "--from", "1735732796", "--to",
            "1735732800", "-o", out.toString()};
        CliRun r = CliRun.of(args);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--force");
        assertThat(Files.readString(out)).isEqualTo("keep");
        String[] forced = java.util.Arrays.copyOf(args, args.length + 1);
        forced[args.length] = "--force";
        assertThat(CliRun.of(forced).exitCode()).isZero();
        assertThat(Files.size(out)).isEqualTo(42976 - 32 * 27);
    }

    @Test
    void nothingInRangeExitsOneWithoutOutput() {
        Path out = tmp.resolve("none.ts");
        CliRun r = CliRun.of("es", "fetch", "--source", segments().toString(), "--from", "2025-02-01T00:00:00Z",
                "--to", "2025-02-01T00:00:08Z", "-o", out.toString(), "--json");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("EsNothingInRangeException");
        assertThat(out).doesNotExist();
    }

    @Test
    void tsCheckFindsContinuityErrors() throws Exception {
        byte[] full = expectedFull();
        byte[] cut = new byte[full.length - 188 * 100];
        System.arraycopy(full, 0, cut, 0, 188 * 1000);
        System.arraycopy(full, 188 * 1100, cut, 188 * 1000, full.length - 188 * 1100);
        Path f = tmp.resolve("cut.ts");
        Files.write(f, cut);
        CliRun r = CliRun.of("ts", "check", f.toString(), "--json");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(JSON.readTree(r.out()).get("cc_errors").asInt()).isPositive();
        CliRun human = CliRun.of("ts", "check", f.toString());
        assertThat(human.out()).contains("ERRORS").contains("continuity counter");
        assertThat(CliRun.of("ts", "check", tmp.resolve("missing.ts").toString()).exitCode()).isEqualTo(2);
    }

    @Test
    void everySubcommandHasHelpWithAnExample() {
        for (String[] cmd : new String[][] {{"es", "--help"}, {"es", "fetch", "--help"}, {"ts", "--help"},
            {"ts", "check", "--help"}}) {
            CliRun r = CliRun.of(cmd);
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).contains("Example");
        }
    }

    // ---- issue 17 and 24 ----

    @Test
    void fromAtTheLargestLongExitsTwoNamingTheRange() {
        CliRun r = CliRun.of("es", "fetch", "--source", segments().toString(), "--from", "9223372036854775807",
                "--to", "9223372036854775808", "-o", tmp.resolve("x.ts").toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("9223372036854775807").contains("lies outside the times segments can have")
                .doesNotContain("Exception:");
        CliRun far = CliRun.of("es", "fetch", "--source", segments().toString(), "--from", "99999999999",
                "--to", "99999999999.5", "-o", tmp.resolve("x.ts").toString());
        assertThat(far.exitCode()).as(far.err()).isEqualTo(2);
        assertThat(far.err()).contains("outside the times segments can have");
    }

    @Test
    void zeroByteSegmentExitsThreeWithAGap() throws Exception {
        Path src = copy();
        Files.write(src.resolve("01012025/12/1735732808-1735732812.es"), new byte[0]);
        CliRun r = CliRun.of("es", "fetch", "--source", src.toString(), "--from", "1735732796", "--to",
                "1735732824", "-o", tmp.resolve("z.ts").toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("complete").asBoolean()).isFalse();
        assertThat(j.get("gaps").toString()).contains("empty segment");
        assertThat(j.get("segments_fetched").asInt()).isEqualTo(7);
    }

    @Test
    void resumeWithANextIndexPastThePlanExitsTwo() throws Exception {
        Path out = tmp.resolve("r.ts");
        Files.write(tmp.resolve("r.ts.part"), java.util.Arrays.copyOf(expectedFull(), 188 * 10));
        // a checkpoint of this very fetch, made by a fetch stopped on request, then tampered
        io.stowage.es.EsFetchOptions o = io.stowage.es.EsFetchOptions.defaults().withStopRequested(() -> true);
        try {
            io.stowage.es.EsToTsParser.create(io.stowage.es.EsSegmentStore.directory(segments()), o)
                    .fetch(java.time.Instant.ofEpochSecond(1735732796), java.time.Instant.ofEpochSecond(1735732824),
                            out);
        } catch (io.stowage.es.EsFetchStoppedException expected) {
            // the checkpoint is written
        }
        Path state = tmp.resolve("r.ts.part.json");
        Files.writeString(state, Files.readString(state).replaceAll("\"next_index\": \\d+", "\"next_index\": 70"));
        CliRun r = CliRun.of("es", "fetch", "--source", segments().toString(), "--from", "1735732796", "--to",
                "1735732824", "-o", out.toString(), "--resume");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("next_index 70").contains("without --resume");
        assertThat(out).doesNotExist();
    }

    @Test
    void outputIoFailureExitsOne() throws Exception {
        Path out = tmp.resolve("io.ts");
        Files.createDirectories(tmp.resolve("io.ts.part")); // the partial output cannot be opened as a file
        CliRun r = CliRun.of("es", "fetch", "--source", segments().toString(), "--from", "1735732796", "--to",
                "1735732824", "-o", out.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("cannot open").contains("io.ts.part");
        assertThat(out).doesNotExist();
    }

    @Test
    void configFileOfTheExistingDownloaderWorksAndFlagsOverrideIt() throws Exception {
        Path cfg = tmp.resolve("fetch.json");
        Files.writeString(cfg, "{\"bucket\": \"cams\", \"prefix\": \"cam-01\", \"region\": \"eu-west-1\","
                + " \"start_time\": \"2025-01-01T11:59:56Z\", \"end_time\": 1735732824, \"output\": \""
                + tmp.resolve("from-config.ts") + "\", \"workers\": 2, \"retries\": 1, \"trim\": false,"
                + " \"aws_access_key_id\": \"AKIA\", \"aws_secret_access_key\": \"secret\"}");
        // --source overrides the bucket; the rest comes from the file
        CliRun r = CliRun.of("es", "fetch", "--config", cfg.toString(), "--source", segments().toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning").contains("aws_access_key_id");
        assertThat(Files.readAllBytes(tmp.resolve("from-config.ts"))).isEqualTo(expectedFull());
        // -o overrides output, --to overrides end_time
        CliRun o = CliRun.of("es", "fetch", "--config", cfg.toString(), "--source", segments().toString(), "-o",
                tmp.resolve("flag.ts").toString(), "--to", "2025-01-01T12:00:04Z", "--json");
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(JSON.readTree(o.out()).get("to").asText()).isEqualTo("2025-01-01T12:00:04Z");
        assertThat(tmp.resolve("flag.ts")).exists();

        Files.writeString(cfg, "{\"bucket\": \"cams\", \"threads\": 4}");
        CliRun bad = CliRun.of("es", "fetch", "--config", cfg.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown key 'threads'");
        Files.writeString(cfg, "{\"workers\": \"many\"}");
        CliRun type = CliRun.of("es", "fetch", "--config", cfg.toString());
        assertThat(type.exitCode()).isEqualTo(2);
        assertThat(type.err()).contains("workers");
    }

    @Test
    void regionFlagIsAccepted() {
        CliRun r = CliRun.of("es", "fetch", "--help");
        assertThat(r.out()).contains("--region").contains("--config").contains("--max-reported");
    }
}
