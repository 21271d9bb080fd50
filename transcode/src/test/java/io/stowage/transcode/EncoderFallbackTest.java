package io.stowage.transcode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hardware encoders with CPU fallback. The forced-failing "hardware" encoder is a libx264 entry marked hardware
 * whose options make every real encode fail (an unknown profile) while its trial encode, which does not use the
 * entry's quality options, succeeds: exactly what a GPU encoder that is detected but fails for a job looks like.
 */
class EncoderFallbackTest {
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
              {"name": "only-missing", "format": "mp4", "extension": "mp4",
               "video": {"mode": "encode", "codec": "h264", "encoders": [{"name": "no_such_encoder_hw"}]},
               "audio": {"mode": "none"}}
            ]}
            """;

    @BeforeAll
    static void start() {
        transcoder = Transcoder.create(TranscoderConfig.defaults()
                .withPresets(PresetCatalog.builtIn().with(PresetCatalog.parse(PRESETS))));
    }

    @AfterAll
    static void stop() {
        transcoder.close();
    }

    @Test
    void failingHardwareEncoderFallsBackToCpuForThatJob() throws Exception {
        TranscodeReport r = transcoder.transcode(TestMedia.clip(), dir.resolve("out.mp4"), "flaky-hw");
        assertThat(r.videoEncoder()).isEqualTo("libx264");
        assertThat(r.hardware()).isFalse();
        assertThat(r.attempts()).extracting(EncoderAttempt::outcome)
                .containsExactly(EncoderAttempt.Outcome.FAILED, EncoderAttempt.Outcome.USED);
        assertThat(r.attempts().get(0).hardware()).isTrue();
        assertThat(r.attempts().get(0).detail()).contains("exited");
        assertThat(r.outputInfo().video().orElseThrow().codec()).isEqualTo("h264");
        assertThat(TestMedia.list(dir)).containsExactly("out.mp4");
    }

    @Test
    void unusableEncodersAreSkippedAndReported() {
        TranscodeReport r = transcoder.transcode(TestMedia.clip(), dir.resolve("out.mp4"), "nvenc-first");
        assertThat(r.videoEncoder()).isEqualTo("libx264");
        assertThat(r.attempts()).extracting(EncoderAttempt::encoder)
                .containsExactly("h264_nvenc", "no_such_encoder_hw", "libx264");
        assertThat(r.attempts().get(1).outcome()).isEqualTo(EncoderAttempt.Outcome.SKIPPED);
        assertThat(r.attempts().get(1).detail()).contains("not in this ffmpeg's encoder list");
        // h264_nvenc is compiled in but needs an NVIDIA GPU: skipped here, used on a GPU machine
        assertThat(r.attempts().get(0).outcome()).isIn(EncoderAttempt.Outcome.SKIPPED);
        assertThat(r.outputInfo().audio()).isEmpty();
    }

    @Test
    void lastEncoderFailingIsTranscodeFailedWithCommandAndStderr() throws Exception {
        assertThatThrownBy(() -> transcoder.transcode(TestMedia.clip(), dir.resolve("out.mp4"), "only-broken"))
                .isInstanceOfSatisfying(TranscodeFailedException.class, e -> {
                    assertThat(e.commandLine()).contains("-profile:v", "no-such-profile");
                    assertThat(e.stderrTail()).isNotEmpty();
                    assertThat(e.exitCode()).isNotZero();
                });
        assertThat(TestMedia.list(dir)).isEmpty();
    }

    @Test
    void noUsableEncoderIsEncoderUnavailable() throws Exception {
        assertThatThrownBy(() -> transcoder.transcode(TestMedia.clip(), dir.resolve("out.mp4"), "only-missing"))
                .isInstanceOf(TranscodeEncoderUnavailableException.class).hasMessageContaining("no_such_encoder_hw");
        assertThat(TestMedia.list(dir)).isEmpty();
    }

    @Test
    void forcedEncoderIsUsedWithoutFallback() {
        TranscodeReport r = transcoder.transcode(TranscodeRequest.of(TestMedia.clip(), dir.resolve("o.mp4"), "h264")
                .withEncoder("libopenh264"));
        assertThat(r.videoEncoder()).isEqualTo("libopenh264");
        assertThat(r.outputInfo().video().orElseThrow().codec()).isEqualTo("h264");
    }

    @Test
    void forcedUnusableEncoderIsEncoderUnavailable() {
        assertThatThrownBy(() -> transcoder.transcode(TranscodeRequest.of(TestMedia.clip(), dir.resolve("o.mp4"),
                "h264").withEncoder("h264_vaapi")))
                .isInstanceOf(TranscodeEncoderUnavailableException.class).hasMessageContaining("h264_vaapi");
    }

    @Test
    void forcedEncoderOfAnotherCodecIsRefused() {
        assertThatThrownBy(() -> transcoder.transcode(TranscodeRequest.of(TestMedia.clip(), dir.resolve("o.mp4"),
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
