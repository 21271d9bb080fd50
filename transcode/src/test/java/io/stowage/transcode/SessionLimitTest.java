package io.stowage.transcode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hardware encoders have session limits: an encoder limited to one session runs one job at a time. */
class SessionLimitTest {
    @TempDir
    Path dir;

    @Test
    void anEncoderLimitedToOneSessionRunsOneJobAtATime() throws Exception {
        TranscoderConfig config = TranscoderConfig.defaults().withMaxConcurrentJobs(2)
                .withEncoderSessionLimits(Map.of("libx264", 1)).withPresets(TestMedia.presetsWithSlow());
        try (Transcoder t = Transcoder.create(config)) {
            CountDownLatch firstRuns = new CountDownLatch(1);
            CountDownLatch secondRuns = new CountDownLatch(1);
            TranscodeJob first = t.submit(TranscodeRequest.of(TestMedia.longClip(), dir.resolve("a.mp4"), "slow-h264")
                    .withListener(TranscodeListener.progress(e -> firstRuns.countDown())));
            assertThat(firstRuns.await(60, TimeUnit.SECONDS)).isTrue();
            TranscodeJob second = t.submit(TranscodeRequest.of(TestMedia.longClip(), dir.resolve("b.mp4"),
                    "slow-h264").withListener(TranscodeListener.progress(e -> secondRuns.countDown())));
            // the pool has room for the second job, but libx264's only session is taken
            assertThat(secondRuns.await(2, TimeUnit.SECONDS)).as("second job must wait for the session").isFalse();
            assertThat(second.running()).isNull();

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
