package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.transcode.Transcoder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code stowage transcode / probe / presets} run from the shaded jar, as users run them. */
class TranscodeCommandIT {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Path clip;

    record Run(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    static void makeClip() {
        clip = dir.resolve("clip.mp4");
        try (Transcoder t = Transcoder.create()) {
            t.createTestClip(clip, Duration.ofSeconds(2), 160, 120, true);
        }
    }

    static Run stowage(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("stowage.jar")));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void presetsListsTheBuiltInNames() throws Exception {
        Run r = stowage("presets");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("h264", "h265", "web-mp4", "copy", "audio-aac", "thumbnail-jpg",
                "camera-archive");
        JsonNode j = stowage("presets", "--json").json();
        assertThat(j.path("presets").get(0).path("video").path("encoders").toString()).contains("libx264");
    }

    @Test
    void probeJsonHasSnakeCaseFieldsAndStreams() throws Exception {
        Run r = stowage("probe", clip.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.path("duration_s").asDouble()).isBetween(1.9, 2.2);
        assertThat(j.path("streams").get(0).path("codec").asText()).isEqualTo("h264");
        assertThat(j.path("streams").get(0).path("width").asInt()).isEqualTo(160);
        assertThat(j.path("streams").get(1).path("sample_rate").asInt()).isEqualTo(48000);
    }

    @Test
    void transcodeWritesAVerifiedOutputAndReportsTheEncoder() throws Exception {
        Path out = dir.resolve("web").resolve("clip-web.mp4");
        Run r = stowage("transcode", clip.toString(), out.toString(), "--preset", "web-mp4", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.path("video_encoder").asText()).isEqualTo("libx264");
        assertThat(j.path("verified").asBoolean()).isTrue();
        assertThat(j.path("size").asLong()).isEqualTo(Files.size(out));
        assertThat(j.path("output_info").path("streams").get(0).path("profile").asText()).isEqualTo("High");

        Run again = stowage("transcode", clip.toString(), out.toString(), "--preset", "web-mp4", "--json");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.json().path("error").path("message").asText()).contains("--force");
        assertThat(stowage("transcode", clip.toString(), out.toString(), "--preset", "web-mp4", "--force").exit())
                .isZero();
    }

    @Test
    void presetIsImpliedByTheOutputName() throws Exception {
        Run r = stowage("transcode", clip.toString(), dir.resolve("thumb.jpg").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("thumbnail-jpg").contains("mjpeg");
        assertThat(stowage("transcode", clip.toString(), dir.resolve("x.webm").toString()).exit()).isEqualTo(2);
    }

    @Test
    void badInputsGiveTheContractsExitCodes() throws Exception {
        Run missing = stowage("transcode", "nope.mp4", "o.mp4", "--json");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.json().path("error").path("type").asText()).isEqualTo("TranscodeInputUnreadableException");
        assertThat(stowage("transcode", clip.toString(), "o.mp4", "--preset", "h266").exit()).isEqualTo(2);
        assertThat(stowage("transcode", clip.toString(), "o.mp4", "--start", "soon").exit()).isEqualTo(2);
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello\n");
        Run probe = stowage("probe", text.toString());
        assertThat(probe.exit()).isEqualTo(1);
        assertThat(probe.err()).contains("notes.txt");
        assertThat(Files.exists(dir.resolve("o.mp4"))).isFalse();
    }

    @Test
    void everyCommandHasHelpWithAnExample() throws Exception {
        for (String c : List.of("transcode", "probe", "presets")) {
            Run r = stowage(c, "--help");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("Example").contains("stowage " + c);
        }
    }
}
