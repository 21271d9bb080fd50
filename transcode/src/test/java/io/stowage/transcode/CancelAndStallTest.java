package io.stowage.transcode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cancel mid-run and stall detection: no output left behind, ffmpeg process gone. */
class CancelAndStallTest {
    @TempDir
    static Path mediaDir;
    static TestMedia media;
    static Transcoder transcoder;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        media = TestMedia.in(mediaDir);
        PresetCatalog presets = TestMedia.presetsWithSlow().with(PresetCatalog.parse("""
                {"presets": [{"name": "crawl", "format": "mp4", "input_args": ["-readrate", "0.001"],
                  "video": {"mode": "encode", "codec": "h264", "encoders": [{"name": "libx264"}]},
                  "audio": {"mode": "none"}}]}
                """));
        // the default stall timeout (120 s) here: a loaded CI machine must not turn a cancel test into a stall
        transcoder = Transcoder.create(TranscoderConfig.defaults().withPresets(presets)
                .withCancelGracePeriod(Duration.ofSeconds(2)));
    }

    @AfterAll
    static void stop() {
        transcoder.close();
    }

    @Test
    void cancelMidRunRemovesPartialOutputAndStopsFfmpeg() throws Exception {
        CountDownLatch twoEvents = new CountDownLatch(2);
        TranscodeJob job = transcoder.submit(TranscodeRequest.of(media.longClip(), dir.resolve("out.mp4"),
                "slow-h264").withListener(TranscodeListener.progress(e -> twoEvents.countDown())));
        assertThat(twoEvents.await(60, TimeUnit.SECONDS)).as("progress events arrive").isTrue();
        long pid = job.running().pid();
        assertThat(TestMedia.running(pid)).isTrue();
        assertThat(TestMedia.list(dir)).singleElement().asString().startsWith(JobRunner.TEMP_PREFIX);

        job.cancel();
        assertThatThrownBy(job::await).isInstanceOf(TranscodeCancelledException.class);
        assertThat(TestMedia.awaitGone(pid)).as("ffmpeg pid %d gone", pid).isTrue();
        assertThat(TestMedia.list(dir)).isEmpty();
    }

    @Test
    void closingTheTranscoderCancelsRunningJobs() throws Exception {
        Transcoder t = Transcoder.create(TranscoderConfig.defaults().withPresets(TestMedia.presetsWithSlow()));
        CountDownLatch started = new CountDownLatch(1);
        TranscodeJob job = t.submit(TranscodeRequest.of(media.longClip(), dir.resolve("out.mp4"), "slow-h264")
                .withListener(TranscodeListener.progress(e -> started.countDown())));
        assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
        long pid = job.running().pid();
        t.close();
        assertThatThrownBy(job::await).isInstanceOf(TranscodeCancelledException.class);
        assertThat(TestMedia.awaitGone(pid)).isTrue();
        assertThat(TestMedia.list(dir)).isEmpty();
        assertThatThrownBy(() -> t.submit(TranscodeRequest.of(media.clip(), dir.resolve("x.mp4"), "copy")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cancelBeforeStartNeverRunsFfmpeg() throws Exception {
        try (Transcoder one = Transcoder.create(TranscoderConfig.defaults().withMaxConcurrentJobs(1)
                .withPresets(TestMedia.presetsWithSlow()))) {
            CountDownLatch started = new CountDownLatch(1);
            TranscodeJob first = one.submit(TranscodeRequest.of(media.longClip(), dir.resolve("a.mp4"),
                    "slow-h264").withListener(TranscodeListener.progress(e -> started.countDown())));
            TranscodeJob queued = one.submit(TranscodeRequest.of(media.clip(), dir.resolve("b.mp4"), "copy"));
            assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
            queued.cancel();
            first.cancel();
            assertThatThrownBy(first::await).isInstanceOf(TranscodeCancelledException.class);
            assertThatThrownBy(queued::await).isInstanceOf(TranscodeCancelledException.class);
            assertThat(TestMedia.list(dir)).isEmpty();
        }
    }

    @Test
    void stalledFfmpegIsKilledAndReported() throws Exception {
        // -readrate 0.001 feeds one frame every 40 s: nothing advances after the first burst
        try (Transcoder t = Transcoder.create(transcoder.config().withStallTimeout(Duration.ofSeconds(3)))) {
            TranscodeJob job = t.submit(TranscodeRequest.of(media.clip(), dir.resolve("out.mp4"), "crawl"));
            assertThatThrownBy(job::await).isInstanceOfSatisfying(TranscodeStalledException.class, e -> {
                assertThat(e.stallTimeout()).isEqualTo(Duration.ofSeconds(3));
                assertThat(e.getMessage()).contains("no progress");
                assertThat(e.commandLine()).contains("-readrate");
            });
        }
        assertThat(TestMedia.list(dir)).isEmpty();
    }

    @Test
    void interruptingTheWaiterCancelsTheJob() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        TranscodeJob job = transcoder.submit(TranscodeRequest.of(media.longClip(), dir.resolve("out.mp4"),
                "slow-h264").withListener(TranscodeListener.progress(e -> started.countDown())));
        Thread waiter = new Thread(() -> {
            try {
                job.await();
            } catch (TranscodeCancelledException expected) {
                // fine
            }
        });
        waiter.start();
        assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
        long pid = job.running().pid();
        waiter.interrupt();
        waiter.join(30_000);
        assertThat(job.isCancelRequested()).isTrue();
        assertThatThrownBy(() -> job.future().join()).hasCauseInstanceOf(TranscodeCancelledException.class);
        assertThat(TestMedia.awaitGone(pid)).isTrue();
        assertThat(TestMedia.list(dir)).isEmpty();
    }
}
