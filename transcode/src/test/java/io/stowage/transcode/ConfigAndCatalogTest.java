package io.stowage.transcode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigAndCatalogTest {
    @TempDir
    static Path mediaDir;
    static TestMedia media;

    @BeforeAll
    static void media() {
        media = TestMedia.in(mediaDir);
    }
    @TempDir
    Path dir;

    @Test
    void builtInCatalogueHasTheDocumentedPresets() {
        PresetCatalog c = PresetCatalog.builtIn();
        assertThat(c.names()).containsExactly("h264", "h265", "web-mp4", "copy", "audio-aac", "thumbnail-jpg",
                "camera-archive");
        assertThat(c.get("h264").video().encoders()).extracting(Preset.EncoderOption::name)
                .containsExactly("h264_qsv", "h264_nvenc", "h264_vaapi", "libx264");
        assertThat(c.get("h264").video().encoders()).extracting(Preset.EncoderOption::isHardware)
                .containsExactly(true, true, true, false);
        assertThat(c.get("web-mp4").outputArgs()).containsSequence("-movflags", "+faststart");
        assertThat(c.get("thumbnail-jpg").checksDuration()).isFalse();
        for (Preset p : c.all()) {
            for (Preset.StreamSpec s : java.util.List.of(p.video(), p.audio())) {
                if (s.mode() == Preset.Mode.ENCODE) {
                    Preset.EncoderOption last = s.encoders().get(s.encoders().size() - 1);
                    assertThat(last.isHardware()).as("%s: CPU encoder last", p.name()).isFalse();
                }
            }
        }
    }

    @Test
    void userFileAddsAndReplacesPresets() throws Exception {
        Path f = Files.writeString(dir.resolve("mine.json"), """
                {"presets": [
                  {"name": "h264", "description": "mine", "format": "mp4",
                   "video": {"mode": "encode", "codec": "h264", "encoders": [{"name": "libx264"}]}},
                  {"name": "tiny-mp4", "format": "mp4",
                   "video": {"mode": "ENCODE", "codec": "h264", "encoders": [{"name": "libx264", "args": ["-crf", "35"]}]},
                   "audio": {"mode": "none"}}
                ]}
                """);
        PresetCatalog c = PresetCatalog.builtIn().with(PresetCatalog.load(f));
        assertThat(c.get("h264").description()).isEqualTo("mine");
        assertThat(c.names()).startsWith("h264", "h265").endsWith("tiny-mp4");
        assertThat(c.get("tiny-mp4").video().mode()).isEqualTo(Preset.Mode.ENCODE);
    }

    @Test
    void invalidPresetsNameTheProblem() {
        assertThatThrownBy(() -> PresetCatalog.parse("{\"presets\": [{\"name\": \"Bad Name\"}]}"))
                .isInstanceOf(TranscodeInvalidPresetException.class).hasMessageContaining("Bad Name");
        assertThatThrownBy(() -> PresetCatalog.parse("""
                {"presets": [{"name": "x", "video": {"mode": "encode", "codec": "h264"}}]}"""))
                .isInstanceOf(TranscodeInvalidPresetException.class).hasMessageContaining("\"encoders\" is empty")
                .satisfies(e -> {
                    assertThat(((TranscodeInvalidPresetException) e).preset()).isEqualTo("x");
                    assertThat(((TranscodeInvalidPresetException) e).source()).isEqualTo("preset JSON");
                });
        assertThatThrownBy(() -> PresetCatalog.parse("""
                {"presets": [{"name": "x", "video": {"mode": "copy"}, "colour": "red"}]}"""))
                .isInstanceOf(TranscodeInvalidPresetException.class).hasMessageContaining("colour");
        assertThatThrownBy(() -> PresetCatalog.parse("{\"presets\": [{\"name\": \"x\"}]}"))
                .isInstanceOf(TranscodeInvalidPresetException.class).hasMessageContaining("both \"none\"");
        assertThatThrownBy(() -> PresetCatalog.parse("[]"))
                .isInstanceOf(TranscodeInvalidPresetException.class).hasMessageContaining("\"presets\"");
        assertThatThrownBy(() -> PresetCatalog.load(dir.resolve("missing.json")))
                .isInstanceOf(TranscodeInvalidPresetException.class).hasMessageContaining("does not exist")
                .satisfies(e -> {
                    assertThat(((TranscodeInvalidPresetException) e).preset()).isNull();
                    assertThat(((TranscodeInvalidPresetException) e).source()).endsWith("missing.json");
                });
        assertThatThrownBy(() -> PresetCatalog.parse("""
                {"presets": [{"name": "a", "video": {"mode": "copy"}}, {"name": "a", "video": {"mode": "copy"}}]}"""))
                .isInstanceOf(TranscodeInvalidPresetException.class).hasMessageContaining("defined twice");
    }

    @Test
    void configIsValidated() {
        TranscoderConfig d = TranscoderConfig.defaults();
        assertThatThrownBy(() -> d.withMaxConcurrentJobs(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..256");
        assertThatThrownBy(() -> d.withStallTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withEncoderSessionLimits(Map.of("h264_nvenc", 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("h264_nvenc");
        assertThat(d.withMaxConcurrentJobs(3).maxConcurrentJobs()).isEqualTo(3);
        assertThat(d.encoderSessionLimits()).containsEntry("h264_nvenc", 3);
    }

    @Test
    void aSystemFfmpegIsUsedWhenConfigured() throws Exception {
        // stand-ins for a system installation: scripts that run the bundled executables
        io.stowage.transcode.internal.FfmpegInstallation b = io.stowage.transcode.internal.FfmpegInstallation
                .bundled();
        Path ffmpeg = script("ffmpeg", b.ffmpeg(), b.environment().get("LD_LIBRARY_PATH"));
        Path ffprobe = script("ffprobe", b.ffprobe(), b.environment().get("LD_LIBRARY_PATH"));
        try (Transcoder t = Transcoder.create(TranscoderConfig.defaults().withFfmpeg(ffmpeg, ffprobe))) {
            assertThat(t.ffmpegPath()).isEqualTo(ffmpeg);
            assertThat(t.ffmpegVersion()).startsWith("ffmpeg version");
            TranscodeReport r = t.transcode(media.clip(), dir.resolve("out.mkv"), "copy");
            assertThat(r.outputInfo().video().orElseThrow().codec()).isEqualTo("h264");
        }
        assertThatThrownBy(() -> Transcoder.create(TranscoderConfig.defaults()
                .withFfmpeg(dir.resolve("nope"), dir.resolve("nope2"))))
                .isInstanceOf(TranscodeFfmpegUnavailableException.class);
    }

    private Path script(String name, Path target, String libs) throws Exception {
        Path s = dir.resolve(name);
        Files.writeString(s, "#!/bin/sh\nLD_LIBRARY_PATH='" + libs + "' exec '" + target + "' \"$@\"\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return s;
    }

    @Test
    void probeReportsStreamsDurationAndRates() {
        try (Transcoder t = Transcoder.create()) {
            MediaInfo info = t.probe(media.clip());
            assertThat(info.formatName()).contains("mp4");
            assertThat(info.durationSeconds()).isBetween(1.9, 2.2);
            assertThat(info.size()).isPositive();
            assertThat(info.bitRate()).isPositive();
            StreamInfo v = info.video().orElseThrow();
            assertThat(v.codec()).isEqualTo("h264");
            assertThat(v.width()).isEqualTo(160);
            assertThat(v.height()).isEqualTo(120);
            assertThat(v.frameRate()).isEqualTo(25.0);
            assertThat(v.pixelFormat()).isEqualTo("yuv420p");
            StreamInfo a = info.audio().orElseThrow();
            assertThat(a.codec()).isEqualTo("aac");
            assertThat(a.sampleRate()).isEqualTo(48000);
            assertThat(a.channels()).isEqualTo(1);
        }
    }
}
