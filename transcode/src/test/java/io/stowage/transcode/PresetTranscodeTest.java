package io.stowage.transcode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Each built-in preset on a generated 2 s clip: output verified, streams and codecs as the preset says. */
class PresetTranscodeTest {
    @TempDir
    static Path mediaDir;
    static TestMedia media;
    static Transcoder transcoder;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        media = TestMedia.in(mediaDir);
        transcoder = Transcoder.create(TranscoderConfig.defaults().withMaxConcurrentJobs(2));
    }

    @AfterAll
    static void stop() {
        transcoder.close();
    }

    private TranscodeReport run(String preset, String outName) {
        return transcoder.transcode(TranscodeRequest.of(media.clip(), dir.resolve(outName), preset));
    }

    /**
     * How far an output's duration (by the tests' own ffprobe) may be from the generated clip's known length: AAC
     * priming and the last frame's length, far tighter than the library's own max(0.5 s, 1 %).
     */
    static final double DURATION_TOLERANCE = 0.1;

    /** The output as the tests' own ffprobe sees it, after checking its size against the report's. */
    private static Ffprobe.Result judge(TranscodeReport r) throws Exception {
        Ffprobe.Result p = Ffprobe.probe(r.output());
        assertThat(Files.size(r.output())).isEqualTo(r.outputSize()).isPositive();
        assertThat(p.size()).isEqualTo(r.outputSize());
        return p;
    }

    @Test
    void h264MakesH264AndAacAtTheInputsDuration() throws Exception {
        List<ProgressEvent> events = Collections.synchronizedList(new ArrayList<>());
        TranscodeReport r = transcoder.transcode(TranscodeRequest.of(media.clip(), dir.resolve("out.mp4"), "h264")
                .withListener(TranscodeListener.progress(events::add)));
        Preset preset = transcoder.presets().get("h264");
        // the first encoder that works on this host (hardware when there is a working GPU encoder, else CPU)
        EncoderChoice.assertFirstUsableChosen(transcoder, preset.video(), r, r.videoEncoder());
        EncoderChoice.assertFirstUsableChosen(transcoder, preset.audio(), r, r.audioEncoder());
        assertThat(r.hardware()).isEqualTo(preset.video().encoders().stream()
                .filter(o -> o.name().equals(r.videoEncoder())).findFirst().orElseThrow().isHardware());
        Ffprobe.Result p = judge(r);
        assertThat(p.video().orElseThrow().codec()).isEqualTo("h264");
        assertThat(p.video().orElseThrow().width()).isEqualTo(160);
        assertThat(p.audio().orElseThrow().codec()).isEqualTo("aac");
        assertThat(p.durationSeconds()).isCloseTo(TestMedia.CLIP_SECONDS, within(DURATION_TOLERANCE));
        assertThat(TestMedia.list(dir)).containsExactly("out.mp4");
        assertThat(r.attempts()).last().extracting(EncoderAttempt::outcome).isEqualTo(EncoderAttempt.Verdict.USED);
        assertThat(events).isNotEmpty();
        assertThat(events.get(events.size() - 1).done()).isTrue();
        assertThat(events.get(events.size() - 1).percent()).isEqualTo(100.0);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).percent()).isGreaterThanOrEqualTo(events.get(i - 1).percent());
        }
    }

    @Test
    void h265MakesHevcTaggedHvc1() throws Exception {
        TranscodeReport r = run("h265", "out.mp4");
        EncoderChoice.assertFirstUsableChosen(transcoder, transcoder.presets().get("h265").video(), r,
                r.videoEncoder());
        Ffprobe.Result p = judge(r);
        assertThat(p.video().orElseThrow().codec()).isEqualTo("hevc");
        assertThat(p.video().orElseThrow().tag()).as("sample entry (codec tag) for Apple players").isEqualTo("hvc1");
        assertThat(p.audio().orElseThrow().codec()).isEqualTo("aac");
        assertThat(p.durationSeconds()).isCloseTo(TestMedia.CLIP_SECONDS, within(DURATION_TOLERANCE));
    }

    @Test
    void webMp4IsH264HighWithStereoAacAndIndexFirst() throws Exception {
        TranscodeReport r = run("web-mp4", "web.mp4");
        EncoderChoice.assertFirstUsableChosen(transcoder, transcoder.presets().get("web-mp4").video(), r,
                r.videoEncoder());
        Ffprobe.Result p = judge(r);
        assertThat(p.video().orElseThrow().codec()).isEqualTo("h264");
        assertThat(p.video().orElseThrow().profile()).isEqualTo("High");
        assertThat(p.audio().orElseThrow().codec()).isEqualTo("aac");
        assertThat(p.audio().orElseThrow().channels()).isEqualTo(2);
        assertThat(p.durationSeconds()).isCloseTo(TestMedia.CLIP_SECONDS, within(DURATION_TOLERANCE));
        assertThat(moovBeforeMdat(dir.resolve("web.mp4"))).as("+faststart puts moov before mdat").isTrue();
    }

    @Test
    void copyRemuxesWithoutReencoding() throws Exception {
        TranscodeReport r = run("copy", "copy.mkv");
        assertThat(r.videoEncoder()).isEqualTo("copy");
        assertThat(r.audioEncoder()).isEqualTo("copy");
        Ffprobe.Result p = judge(r);
        assertThat(p.formatName()).contains("matroska");
        assertThat(p.video().orElseThrow().codec()).isEqualTo("h264");
        assertThat(p.audio().orElseThrow().codec()).isEqualTo("aac");
        assertThat(p.durationSeconds()).isCloseTo(TestMedia.CLIP_SECONDS, within(DURATION_TOLERANCE));
    }

    @Test
    void audioAacDropsVideo() throws Exception {
        TranscodeReport r = run("audio-aac", "sound.m4a");
        assertThat(r.videoEncoder()).isNull();
        EncoderChoice.assertFirstUsableChosen(transcoder, transcoder.presets().get("audio-aac").audio(), r,
                r.audioEncoder());
        Ffprobe.Result p = judge(r);
        assertThat(p.video()).isEmpty();
        assertThat(p.audio().orElseThrow().codec()).isEqualTo("aac");
        assertThat(p.durationSeconds()).isCloseTo(TestMedia.CLIP_SECONDS, within(DURATION_TOLERANCE));
    }

    @Test
    void thumbnailIsOneJpeg() throws Exception {
        TranscodeReport r = run("thumbnail-jpg", "thumb.jpg");
        Ffprobe.Result p = judge(r);
        assertThat(p.video().orElseThrow().codec()).isEqualTo("mjpeg");
        assertThat(p.video().orElseThrow().height()).isEqualTo(120);
        assertThat(p.audio()).isEmpty();
        byte[] head = Files.readAllBytes(dir.resolve("thumb.jpg"));
        assertThat(head[0] & 0xff).isEqualTo(0xFF);
        assertThat(head[1] & 0xff).isEqualTo(0xD8);
    }

    @Test
    void cameraArchiveIsHevcWithMonoAac() throws Exception {
        TranscodeReport r = run("camera-archive", "cam.mp4");
        EncoderChoice.assertFirstUsableChosen(transcoder, transcoder.presets().get("camera-archive").video(), r,
                r.videoEncoder());
        Ffprobe.Result p = judge(r);
        assertThat(p.video().orElseThrow().codec()).isEqualTo("hevc");
        assertThat(p.video().orElseThrow().tag()).isEqualTo("hvc1");
        assertThat(p.audio().orElseThrow().codec()).isEqualTo("aac");
        assertThat(p.audio().orElseThrow().channels()).isEqualTo(1);
        assertThat(p.durationSeconds()).isCloseTo(TestMedia.CLIP_SECONDS, within(DURATION_TOLERANCE));
        assertThat(moovBeforeMdat(r.output())).as("+faststart puts moov before mdat").isTrue();
    }

    @Test
    void videoOnlyInputGivesVideoOnlyOutput() throws Exception {
        TranscodeReport r = transcoder.transcode(media.videoOnly(), dir.resolve("v.mp4"), "web-mp4");
        assertThat(r.audioEncoder()).isNull();
        Ffprobe.Result p = judge(r);
        assertThat(p.audio()).isEmpty();
        assertThat(p.video().orElseThrow().codec()).isEqualTo("h264");
        assertThat(p.durationSeconds()).isCloseTo(TestMedia.CLIP_SECONDS, within(DURATION_TOLERANCE));
    }

    @Test
    void trimIsVerifiedAgainstTheRequestedLength() throws Exception {
        TranscodeReport r = transcoder.transcode(TranscodeRequest.of(media.clip(), dir.resolve("t.mp4"), "h264")
                .withTrim(Duration.ofMillis(500), Duration.ofSeconds(1)));
        Ffprobe.Result p = judge(r);
        assertThat(p.durationSeconds()).isCloseTo(1.0, within(DURATION_TOLERANCE));
    }

    @Test
    void jobsRunConcurrently() throws Exception {
        List<TranscodeJob> jobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            jobs.add(transcoder.submit(TranscodeRequest.of(media.clip(), dir.resolve("c" + i + ".mp4"), "copy")));
        }
        for (TranscodeJob j : jobs) {
            assertThat(j.await().outputSize()).isPositive();
        }
        assertThat(TestMedia.list(dir)).containsExactly("c0.mp4", "c1.mp4", "c2.mp4");
    }

    static boolean moovBeforeMdat(Path mp4) throws Exception {
        byte[] b = Files.readAllBytes(mp4);
        String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        int moov = s.indexOf("moov");
        int mdat = s.indexOf("mdat");
        return moov >= 0 && mdat >= 0 && moov < mdat;
    }
}
