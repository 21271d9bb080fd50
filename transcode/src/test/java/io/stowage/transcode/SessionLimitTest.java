package io.stowage.transcode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hardware encoders have session limits: an encoder limited to one session runs one job at a time. */
class SessionLimitTest {
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
    void anEncoderLimitedToOneSessionRunsOneJobAtATime() throws Exception {
        TranscoderConfig config = TranscoderConfig.defaults().withMaxConcurrentJobs(2)
                .withEncoderSessionLimits(Map.of("libx264", 1)).withPresets(TestMedia.presetsWithSlow());
        try (Transcoder t = Transcoder.create(config)) {
            CountDownLatch firstRuns = new CountDownLatch(1);
            CountDownLatch secondRuns = new CountDownLatch(1);
            TranscodeJob first = t.submit(TranscodeRequest.of(media.longClip(), dir.resolve("a.mp4"), "slow-h264")
                    .withListener(TranscodeListener.progress(e -> firstRuns.countDown())));
            assertThat(firstRuns.await(60, TimeUnit.SECONDS)).isTrue();
            TranscodeJob second = t.submit(TranscodeRequest.of(media.longClip(), dir.resolve("b.mp4"),
                    "slow-h264").withListener(TranscodeListener.progress(e -> secondRuns.countDown())));
            // the pool has room for the second job, but libx264's only session is taken: wait (polling with a
            // deadline, no fixed sleep) until the second job is queued on that session, then it provably waits
            Semaphore libx264 = t.sessions("libx264");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!libx264.hasQueuedThreads() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(libx264.hasQueuedThreads()).as("second job waits for libx264's session").isTrue();
            assertThat(libx264.availablePermits()).isZero();
            assertThat(second.running()).as("no ffmpeg for the second job while it waits").isNull();
            assertThat(secondRuns.getCount()).as("no progress from the second job while it waits").isEqualTo(1);
            assertThat(TestMedia.list(dir)).as("only the first job's temporary output").singleElement().asString()
                    .startsWith(JobRunner.TEMP_PREFIX);

            first.cancel();
            assertThatThrownBy(first::await).isInstanceOf(TranscodeCancelledException.class);
            assertThat(secondRuns.await(60, TimeUnit.SECONDS)).as("second job starts once the session is free")
                    .isTrue();
            second.cancel();
            assertThatThrownBy(second::await).isInstanceOf(TranscodeCancelledException.class);
            assertThat(TestMedia.list(dir)).isEmpty();
        }
    }
}
