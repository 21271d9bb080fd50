package io.stowage.transcode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hardware encoders with CPU fallback. The forced-failing "hardware" encoder is a libx264 entry marked hardware
 * whose options make every real encode fail (an unknown profile) while its trial encode, which does not use the
 * entry's quality options, succeeds: exactly what a GPU encoder that is detected but fails for a job looks like.
 * The "truncating" entries are a libopenh264 whose output is cut to 0.5 s by ffmpeg's own {@code -t}: ffmpeg exits 0
 * and reports {@code progress=end}, and only verification (duration) can refuse the file, like a hardware encoder
 * that writes a broken stream. Outputs are judged by the tests' own ffprobe ({@link Ffprobe}).
 */
class EncoderFallbackTest {
    @TempDir
    static Path mediaDir;
    static TestMedia media;
    static Transcoder transcoder;
    @TempDir
    Path dir;

    static final String PRESETS = """
            {"presets": [
              {"name": "flaky-hw", "format": "mp4", "extension": "mp4",
               "video": {"mode": "encode", "codec": "h264", "encoders": [
                  {"name": "libx264", "hardware": true, "args": ["-profile:v", "no-such-profile"]},
                  {"name": "libx264", "args": ["-preset", "ultrafast"]}]},
               "audio": {"mode": "encode", "codec": "aac", "encoders": [{"name": "aac"}]}},
              {"name": "nvenc-first", "format": "mp4", "extension": "mp4",
               "video": {"mode": "encode", "codec": "h264", "encoders": [
                  {"name": "h264_nvenc"}, {"name": "no_such_encoder_hw", "hardware": true},
                  {"name": "libx264", "args": ["-preset", "ultrafast"]}]},
               "audio": {"mode": "none"}},
              {"name": "only-broken", "format": "mp4", "extension": "mp4",
               "video": {"mode": "encode", "codec": "h264", "encoders": [
                  {"name": "libx264", "hardware": true, "args": ["-profile:v", "no-such-profile"]}]},
               "audio": {"mode": "none"}},
              {"name": "truncating-hw", "format": "mp4", "extension": "mp4",
               "video": {"mode": "encode", "codec": "h264", "encoders": [
                  {"name": "libopenh264", "hardware": true, "args": ["-t", "0.5"]},
                  {"name": "libx264", "args": ["-preset", "ultrafast"]}]},
               "audio": {"mode": "encode", "codec": "aac", "encoders": [{"name": "aac"}]}},
              {"name": "truncating-cpu", "format": "mp4", "extension": "mp4",
               "video": {"mode": "encode", "codec": "h264", "encoders": [
                  {"name": "libopenh264", "args": ["-t", "0.5"]},
                  {"name": "libx264", "args": ["-preset", "ultrafast"]}]},
               "audio": {"mode": "encode", "codec": "aac", "encoders": [{"name": "aac"}]}},
              {"name": "only-missing", "format": "mp4", "extension": "mp4",
               "video": {"mode": "encode", "codec": "h264", "encoders": [{"name": "no_such_encoder_hw"}]},
               "audio": {"mode": "none"}}
            ]}
            """;

    @BeforeAll
    static void start() {
        media = TestMedia.in(mediaDir);
        transcoder = Transcoder.create(TranscoderConfig.defaults()
                .withPresets(PresetCatalog.builtIn().with(PresetCatalog.parse(PRESETS))));
    }

    @AfterAll
    static void stop() {
        transcoder.close();
    }

    @Test
    void failingHardwareEncoderFallsBackToCpuForThatJob() throws Exception {
        TranscodeReport r = transcoder.transcode(media.clip(), dir.resolve("out.mp4"), "flaky-hw");
        assertThat(r.videoEncoder()).isEqualTo("libx264");
        assertThat(r.hardware()).isFalse();
        assertThat(r.attempts()).extracting(EncoderAttempt::outcome)
                .containsExactly(EncoderAttempt.Verdict.FAILED, EncoderAttempt.Verdict.USED);
        assertThat(r.attempts().get(0).hardware()).isTrue();
        assertThat(r.attempts().get(0).detail()).contains("exited");
        Ffprobe.Result p = Ffprobe.probe(dir.resolve("out.mp4"));
        assertThat(p.video().orElseThrow().codec()).isEqualTo("h264");
        assertThat(p.durationSeconds()).isCloseTo(TestMedia.CLIP_SECONDS, within(0.1));
        assertThat(TestMedia.list(dir)).containsExactly("out.mp4");
    }

    @Test
    void hardwareOutputFailingVerificationFallsBackToTheNextEncoder() throws Exception {
        Preset preset = transcoder.presets().get("truncating-hw");
        assumeTrue(transcoder.encoders().usability(preset.video().encoders().get(0)).usable(),
                () -> "libopenh264 (the bundled ffmpeg's second H.264 encoder) does not work here: "
                        + transcoder.encoders().usability(preset.video().encoders().get(0)).reason());
        TranscodeReport r = transcoder.transcode(media.clip(), dir.resolve("out.mp4"), "truncating-hw");

        assertThat(r.attempts()).extracting(EncoderAttempt::encoder, EncoderAttempt::outcome).containsExactly(
                tuple("libopenh264", EncoderAttempt.Verdict.FAILED), tuple("libx264", EncoderAttempt.Verdict.USED));
        EncoderAttempt failed = r.attempts().get(0);
        assertThat(failed.hardware()).isTrue();
        assertThat(failed.detail()).as("refused by verification, not by an exit code")
                .contains("verification").contains("duration").doesNotContain("exited");
        assertThat(r.videoEncoder()).isEqualTo("libx264");
        assertThat(r.hardware()).isFalse();

        // the file under the real name is the fallback's, complete: judged by the tests' own ffprobe
        Ffprobe.Result p = Ffprobe.probe(dir.resolve("out.mp4"));
        assertThat(p.video().orElseThrow().codec()).isEqualTo("h264");
        assertThat(p.audio().orElseThrow().codec()).isEqualTo("aac");
        assertThat(p.durationSeconds()).isCloseTo(TestMedia.CLIP_SECONDS, within(0.1));
        assertThat(p.size()).isEqualTo(r.outputSize());
        byte[] bytes = Files.readAllBytes(dir.resolve("out.mp4"));
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).as("libx264 signs its stream; libopenh264 does not")
                .contains("x264 - core");
        assertThat(TestMedia.list(dir)).as("the refused output is gone").containsExactly("out.mp4");
    }

    @Test
    void cpuOutputFailingVerificationIsNotRetried() throws Exception {
        Preset preset = transcoder.presets().get("truncating-cpu");
        assumeTrue(transcoder.encoders().usability(preset.video().encoders().get(0)).usable(),
                () -> "libopenh264 (the bundled ffmpeg's second H.264 encoder) does not work here: "
                        + transcoder.encoders().usability(preset.video().encoders().get(0)).reason());
        // a CPU encoder's bad output is the input's or the preset's fault: the next encoder would not do better
        assertThatThrownBy(() -> transcoder.transcode(media.clip(), dir.resolve("out.mp4"), "truncating-cpu"))
                .isInstanceOfSatisfying(TranscodeVerificationFailedException.class, e ->
                        assertThat(e.problems()).singleElement().asString().contains("duration")
                                .contains("differs from the expected"));
        assertThat(TestMedia.list(dir)).isEmpty();
    }

    @Test
    void unusableEncodersAreSkippedAndReported() throws Exception {
        Preset preset = transcoder.presets().get("nvenc-first");
        TranscodeReport r = transcoder.transcode(media.clip(), dir.resolve("out.mp4"), "nvenc-first");
        // h264_nvenc is compiled in but needs an NVIDIA GPU: whether it works is the library's answer for this host
        EncoderChoice.assertFirstUsableChosen(transcoder, preset.video(), r, r.videoEncoder());
        assertThat(r.attempts()).filteredOn(a -> a.encoder().equals("no_such_encoder_hw")).singleElement()
                .satisfies(a -> {
                    assertThat(a.outcome()).isEqualTo(EncoderAttempt.Verdict.SKIPPED);
                    assertThat(a.detail()).contains("not in this ffmpeg's encoder list");
                });
        if (!transcoder.encoders().usability(preset.video().encoders().get(0)).usable()) {
            assertThat(r.attempts()).filteredOn(a -> a.encoder().equals("h264_nvenc")).singleElement()
                    .satisfies(a -> assertThat(a.detail()).as("why it was skipped").isNotBlank());
        }
        Ffprobe.Result p = Ffprobe.probe(dir.resolve("out.mp4"));
        assertThat(p.video().orElseThrow().codec()).isEqualTo("h264");
        assertThat(p.audio()).isEmpty();
        assertThat(p.durationSeconds()).isCloseTo(TestMedia.CLIP_SECONDS, within(0.1));
    }

    @Test
    void lastEncoderFailingIsTranscodeFailedWithCommandAndStderr() throws Exception {
        assertThatThrownBy(() -> transcoder.transcode(media.clip(), dir.resolve("out.mp4"), "only-broken"))
                .isInstanceOfSatisfying(TranscodeFailedException.class, e -> {
                    assertThat(e.commandLine()).contains("-profile:v", "no-such-profile");
                    assertThat(e.stderrTail()).isNotEmpty();
                    assertThat(e.exitCode()).isNotZero();
                });
        assertThat(TestMedia.list(dir)).isEmpty();
    }

    @Test
    void noUsableEncoderIsEncoderUnavailable() throws Exception {
        assertThatThrownBy(() -> transcoder.transcode(media.clip(), dir.resolve("out.mp4"), "only-missing"))
                .isInstanceOf(TranscodeEncoderUnavailableException.class).hasMessageContaining("no_such_encoder_hw");
        assertThat(TestMedia.list(dir)).isEmpty();
    }

    @Test
    void forcedEncoderIsUsedWithoutFallback() {
        TranscodeReport r = transcoder.transcode(TranscodeRequest.of(media.clip(), dir.resolve("o.mp4"), "h264")
                .withEncoder("libopenh264"));
        assertThat(r.videoEncoder()).isEqualTo("libopenh264");
        assertThat(r.attempts()).extracting(EncoderAttempt::encoder).containsExactly("libopenh264");
        assertThat(Ffprobe.probe(dir.resolve("o.mp4")).video().orElseThrow().codec()).isEqualTo("h264");
    }

    @Test
    void forcedUnusableEncoderIsEncoderUnavailable() {
        // an H.264 hardware encoder this ffmpeg lists but that does not work here, as the library tells
        List<Preset.EncoderOption> unusable = transcoder.presets().get("h264").video().encoders().stream()
                .filter(o -> o.isHardware() && transcoder.encoders().listed().containsKey(o.name())
                        && !transcoder.encoders().usability(o).usable()).toList();
        assumeFalse(unusable.isEmpty(), "every hardware encoder of preset h264 works on this host, so none can be"
                + " forced to show EncoderUnavailable");
        String name = unusable.get(0).name();
        assertThatThrownBy(() -> transcoder.transcode(TranscodeRequest.of(media.clip(), dir.resolve("o.mp4"),
                "h264").withEncoder(name)))
                .isInstanceOf(TranscodeEncoderUnavailableException.class).hasMessageContaining(name)
                .hasMessageContaining("not usable here");
    }

    @Test
    void forcedEncoderOfAnotherCodecIsRefused() {
        assertThatThrownBy(() -> transcoder.transcode(TranscodeRequest.of(media.clip(), dir.resolve("o.mp4"),
                "h264").withEncoder("libx265")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("makes hevc");
    }

    @Test
    void encoderStatusListsEveryPresetEncoder() {
        assertThat(transcoder.encoderStatus()).extracting(EncoderStatus::encoder)
                .contains("libx264", "libx265", "aac", "mjpeg", "h264_nvenc", "h264_qsv", "h264_vaapi");
        assertThat(transcoder.encoderStatus()).filteredOn(s -> s.encoder().equals("libx264"))
                .singleElement().satisfies(s -> assertThat(s.usable()).isTrue());
        assertThat(transcoder.encoderStatus()).filteredOn(s -> s.encoder().equals("h264_vaapi"))
                .singleElement().satisfies(s -> assertThat(s.hardware()).isTrue());
    }
}
