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
    static Transcoder transcoder;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        transcoder = Transcoder.create(TranscoderConfig.defaults().withMaxConcurrentJobs(2));
    }

    @AfterAll
    static void stop() {
        transcoder.close();
    }

    private TranscodeReport run(String preset, String outName) {
        return transcoder.transcode(TranscodeRequest.of(TestMedia.clip(), dir.resolve(outName), preset));
    }

    @Test
    void h264MakesH264AndAacAtTheInputsDuration() throws Exception {
        List<ProgressEvent> events = Collections.synchronizedList(new ArrayList<>());
        TranscodeReport r = transcoder.transcode(TranscodeRequest.of(TestMedia.clip(), dir.resolve("out.mp4"), "h264")
                .withListener(TranscodeListener.progress(events::add)));
        assertThat(r.videoEncoder()).isEqualTo("libx264");
        assertThat(r.audioEncoder()).isEqualTo("aac");
        assertThat(r.hardware()).isFalse();
        assertThat(r.outputInfo().video().orElseThrow().codec()).isEqualTo("h264");
        assertThat(r.outputInfo().video().orElseThrow().width()).isEqualTo(160);
        assertThat(r.outputInfo().audio().orElseThrow().codec()).isEqualTo("aac");
        assertThat(r.outputInfo().durationSeconds()).isCloseTo(2.0, within(0.5));
        assertThat(Files.size(dir.resolve("out.mp4"))).isEqualTo(r.outputSize()).isPositive();
        assertThat(TestMedia.list(dir)).containsExactly("out.mp4");
        // the hardware encoders before libx264 were skipped (no GPU here) or, with a GPU, one was used
        assertThat(r.attempts()).last().extracting(EncoderAttempt::outcome).isEqualTo(EncoderAttempt.Outcome.USED);
        assertThat(events).isNotEmpty();
        assertThat(events.get(events.size() - 1).done()).isTrue();
        assertThat(events.get(events.size() - 1).percent()).isEqualTo(100.0);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).percent()).isGreaterThanOrEqualTo(events.get(i - 1).percent());
        }
    }

    @Test
    void h265MakesHevcTaggedHvc1() {
        TranscodeReport r = run("h265", "out.mp4");
        assertThat(r.outputInfo().video().orElseThrow().codec()).isEqualTo("hevc");
        assertThat(r.outputInfo().audio().orElseThrow().codec()).isEqualTo("aac");
        assertThat(r.videoEncoder()).isEqualTo("libx265");
    }

    @Test
    void webMp4IsH264HighWithStereoAacAndIndexFirst() throws Exception {
        TranscodeReport r = run("web-mp4", "web.mp4");
        assertThat(r.outputInfo().video().orElseThrow().codec()).isEqualTo("h264");
        assertThat(r.outputInfo().video().orElseThrow().profile()).isEqualTo("High");
        assertThat(r.outputInfo().audio().orElseThrow().channels()).isEqualTo(2);
        assertThat(moovBeforeMdat(dir.resolve("web.mp4"))).as("+faststart puts moov before mdat").isTrue();
    }

    @Test
    void copyRemuxesWithoutReencoding() {
        TranscodeReport r = run("copy", "copy.mkv");
        assertThat(r.videoEncoder()).isEqualTo("copy");
        assertThat(r.audioEncoder()).isEqualTo("copy");
        assertThat(r.outputInfo().formatName()).contains("matroska");
        assertThat(r.outputInfo().video().orElseThrow().codec()).isEqualTo("h264");
        assertThat(r.outputInfo().audio().orElseThrow().codec()).isEqualTo("aac");
    }

    @Test
    void audioAacDropsVideo() {
        TranscodeReport r = run("audio-aac", "sound.m4a");
        assertThat(r.outputInfo().video()).isEmpty();
        assertThat(r.outputInfo().audio().orElseThrow().codec()).isEqualTo("aac");
        assertThat(r.videoEncoder()).isNull();
        assertThat(r.audioEncoder()).isEqualTo("aac");
        assertThat(r.outputInfo().durationSeconds()).isCloseTo(2.0, within(0.5));
    }

    @Test
    void thumbnailIsOneJpeg() throws Exception {
        TranscodeReport r = run("thumbnail-jpg", "thumb.jpg");
        assertThat(r.outputInfo().video().orElseThrow().codec()).isEqualTo("mjpeg");
        assertThat(r.outputInfo().video().orElseThrow().height()).isEqualTo(120);
        assertThat(r.outputInfo().audio()).isEmpty();
        byte[] head = Files.readAllBytes(dir.resolve("thumb.jpg"));
        assertThat(head[0] & 0xff).isEqualTo(0xFF);
        assertThat(head[1] & 0xff).isEqualTo(0xD8);
    }

    @Test
    void cameraArchiveIsHevcWithMonoAac() {
        TranscodeReport r = run("camera-archive", "cam.mp4");
        assertThat(r.outputInfo().video().orElseThrow().codec()).isEqualTo("hevc");
        assertThat(r.outputInfo().audio().orElseThrow().channels()).isEqualTo(1);
    }

    @Test
    void videoOnlyInputGivesVideoOnlyOutput() {
        TranscodeReport r = transcoder.transcode(TestMedia.videoOnly(), dir.resolve("v.mp4"), "web-mp4");
        assertThat(r.outputInfo().audio()).isEmpty();
        assertThat(r.audioEncoder()).isNull();
    }

    @Test
    void trimIsVerifiedAgainstTheRequestedLength() {
        TranscodeReport r = transcoder.transcode(TranscodeRequest.of(TestMedia.clip(), dir.resolve("t.mp4"), "h264")
                .withTrim(Duration.ofMillis(500), Duration.ofSeconds(1)));
        assertThat(r.outputInfo().durationSeconds()).isCloseTo(1.0, within(0.5));
    }

    @Test
    void jobsRunConcurrently() throws Exception {
        List<TranscodeJob> jobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            jobs.add(transcoder.submit(TranscodeRequest.of(TestMedia.clip(), dir.resolve("c" + i + ".mp4"), "copy")));
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
