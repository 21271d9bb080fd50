package io.stowage.transcode.internal;

import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.PresetCatalog;
import io.stowage.transcode.StreamInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VerifierTest {
    static StreamInfo video(String codec) {
        return new StreamInfo(0, StreamInfo.Type.VIDEO, codec, "", 160, 120, 25, "yuv420p", 0, 0, 0, 2, false);
    }

    static StreamInfo audio(String codec) {
        return new StreamInfo(1, StreamInfo.Type.AUDIO, codec, "", 0, 0, 0, "", 48000, 2, 0, 2, false);
    }

    static MediaInfo media(double seconds, long size, StreamInfo... streams) {
        return new MediaInfo(Path.of("x.mp4"), "mp4", "MP4", Duration.ofMillis((long) (seconds * 1000)), size, 0,
                List.of(streams));
    }

    @Test
    void toleranceIsHalfASecondOrOnePercent() {
        assertThat(Verifier.toleranceSeconds(2)).isEqualTo(0.5);
        assertThat(Verifier.toleranceSeconds(50)).isEqualTo(0.5);
        assertThat(Verifier.toleranceSeconds(600)).isEqualTo(6.0);
    }

    @Test
    void passesAMatchingOutput() {
        MediaInfo in = media(10, 1000, video("mpeg4"), audio("mp3"));
        MediaInfo out = media(10.3, 500, video("h264"), audio("aac"));
        assertThat(Verifier.check(PresetCatalog.builtIn().get("h264"), in, out, Duration.ofSeconds(10), true))
                .isEmpty();
    }

    @Test
    void namesEveryDifference() {
        MediaInfo in = media(10, 1000, video("h264"), audio("aac"));
        MediaInfo out = media(8, 2000, video("hevc"));
        List<String> problems = Verifier.check(PresetCatalog.builtIn().get("h264"), in, out, Duration.ofSeconds(10),
                true);
        assertThat(problems).hasSize(4);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("video codec is hevc; expected h264"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("no audio stream"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("duration 8.000 s").contains("10.000 s"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("larger than the input"));
    }

    @Test
    void copyExpectsTheInputsCodecsAndAudioOnlyRejectsVideo() {
        MediaInfo in = media(10, 1000, video("vp9"), audio("opus"));
        assertThat(Verifier.check(PresetCatalog.builtIn().get("copy"), in, media(10, 900, video("vp9"),
                audio("opus")), Duration.ofSeconds(10), false)).isEmpty();
        assertThat(Verifier.check(PresetCatalog.builtIn().get("audio-aac"), in, media(10, 100, video("h264"),
                audio("aac")), Duration.ofSeconds(10), false)).singleElement().asString()
                .contains("unexpected video stream");
    }

    @Test
    void unknownInputDurationFailsVerification() {
        MediaInfo in = new MediaInfo(Path.of("x.h264"), "h264", "raw", null, 1000, 0, List.of(video("h264")));
        assertThat(Verifier.check(PresetCatalog.builtIn().get("h264"), in, media(2, 10, video("h264")), null, false))
                .singleElement().asString().contains("duration is unknown");
    }
}
