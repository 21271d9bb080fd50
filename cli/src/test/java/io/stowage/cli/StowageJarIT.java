package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The shaded jar, run as a separate process exactly as users run it. */
class StowageJarIT {
    record Proc(int code, byte[] out, String err) {
        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    static Proc run(String... args) throws Exception {
        return runWith(java.util.Map.of(), args);
    }

    static Proc runWith(java.util.Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("stowage.jar")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        Process p = pb.start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread t = new Thread(() -> {
            try (InputStream e = p.getErrorStream()) {
                e.transferTo(err);
            } catch (Exception ignored) {
                // process ended
            }
        });
        t.start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        t.join();
        return new Proc(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void catWritesTheExactBytesOfAnExternalEntry() throws Exception {
        Path v = CliRun.vectors().resolve("des-v1");
        Proc p = run("des", "cat", v.resolve("external.des").toString(), "b_big", "--external-root",
                v.resolve("external_objects").toString());
        assertThat(p.code()).as(p.err()).isZero();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(p.out()));
        JsonNode manifest = new ObjectMapper().readTree(v.resolve("manifest.json").toFile());
        assertThat(sha).isEqualTo(manifest.get("external").get(1).get("sha256").asText());
        assertThat(p.err()).isEmpty();
    }

    @Test
    void catOfAMissingEntryFailsWithExitOneAndNothingOnStdout() throws Exception {
        Proc p = run("des", "cat", CliRun.vectors().resolve("des-v1/small.des").toString(), "nope.jpg");
        assertThat(p.code()).isEqualTo(1);
        assertThat(p.out()).isEmpty();
        assertThat(p.err()).contains("nope.jpg").contains("stowage des ls");
    }

    @Test
    void demoRunsEveryPipelineAndPasses() throws Exception {
        Proc p = run("demo", "--json");
        assertThat(p.code()).as(p.err()).isZero();
        JsonNode rep = new ObjectMapper().readTree(p.out());
        assertThat(rep.get("ok").asBoolean()).isTrue();
        assertThat(rep.get("pipelines").size()).isGreaterThanOrEqualTo(1);
        rep.get("pipelines").forEach(x -> assertThat(x.get("ok").asBoolean()).as(x.toString()).isTrue());
    }

    @Test
    void demoSummaryHasNoLibraryInfoLinesAndOnlyRunsTheNamedPipelines() throws Exception {
        Proc p = run("demo", "--only", "sync,archive");
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.outText()).contains("== sync:").contains("== archive:").contains("archive: complete")
                .doesNotContain("== des:");
        assertThat(p.err()).doesNotContain(" INFO ");
    }

    @Test
    void desIngestAndTranscodeServiceRunThroughTheRealServersWithoutLogLines() throws Exception {
        Proc p = run("demo", "--only", "des-ingest,transcode-service");
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.outText()).contains("== des-ingest:").contains("packer: 40 files")
                .contains("-> 200").contains("byte-identical to the original")
                .contains("== transcode-service:").contains("POST /upload").contains("-> COMPLETED")
                .contains("ffprobe: ").doesNotContain("== des:").doesNotContain("skipped");
        assertThat(p.err()).doesNotContain(" INFO ").doesNotContain(" WARN ");
    }

    @Test
    void withoutRedisTheRedisPipelinesSayHowToStartItAndTheDemoStillPasses() throws Exception {
        Proc p = runWith(java.util.Map.of("STOWAGE_REDIS", "redis://127.0.0.1:1"), "demo", "--json", "--only",
                "transcode-jobs,transcode-service");
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.err()).contains("skipped: needs Redis at redis://127.0.0.1:1").contains("redis-server");
        JsonNode rep = new ObjectMapper().readTree(p.out());
        assertThat(rep.get("ok").asBoolean()).isTrue();
        assertThat(rep.get("pipelines")).extracting(x -> x.get("name").asText())
                .containsExactly("transcode-jobs", "transcode-service");
    }

    @Test
    void versionAndHelp() throws Exception {
        Proc v = run("--version");
        assertThat(v.code()).isZero();
        assertThat(v.outText()).startsWith("stowage 0.");
        Proc h = run("--help");
        assertThat(h.code()).isZero();
        assertThat(h.outText()).contains("des").contains("demo");
    }
}
