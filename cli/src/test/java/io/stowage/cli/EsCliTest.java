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
}
