package io.stowage.transcode.jobs;

import io.stowage.transcode.jobs.testing.JobsFixture;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.MediaSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** kill -9 of a worker process mid-transcode: the job completes exactly once. */
class WorkerKillTest {
    @RegisterExtension
    static final JobsFixture.RedisKeys KEYS = JobsFixture.RedisKeys.of(WorkerKillTest.class);
    private static final String PREFIX = KEYS.prefix();

    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path tmp;

    @Test
    void killedWorkersJobCompletesExactlyOnceElsewhere() throws Exception {
        TranscodeJobsConfig c = JobsFixture.config(PREFIX, S3.bucket());
        Path clip = JobsFixture.media().cached(MediaSpec.mp4(10).withSize(640, 360));
        Process first = null;
        Process second = null;
        try (TranscodeService service = JobsFixture.service(c, S3.client())) {
            first = WorkerProcess.start(c.redisUrl(), PREFIX, S3.bucket(), S3.endpoint(), MAIL.getSmtp().getPort(),
                    1, tmp.resolve("first.log"));
            JobView j = service.submit("kim", clip, "long.mp4", "h265", Optional.of("kim@example.com"));
            JobsFixture.await("transcoding under way", Duration.ofSeconds(120), () -> {
                JobView v = service.status("kim", j.id());
                return v.state() == JobState.PROCESSING && v.percent() > 0;
            });
            assertThat(service.status("kim", j.id()).percent()).isLessThan(100);
            first.destroyForcibly();                                  // SIGKILL
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).isEqualTo(137);
            assertThat(service.status("kim", j.id()).state()).isEqualTo(JobState.PROCESSING);

            second = WorkerProcess.start(c.redisUrl(), PREFIX, S3.bucket(), S3.endpoint(), MAIL.getSmtp().getPort(),
                    1, tmp.resolve("second.log"));
            JobsFixture.await("completed and mailed", Duration.ofMinutes(4), () -> {
                JobView v = service.status("kim", j.id());
                return v.state().isFinal() && v.notification() != NotificationState.PENDING;
            });
            JobView done = service.status("kim", j.id());
            assertThat(done.state()).as(done.error()).isEqualTo(JobState.COMPLETED);
            assertThat(done.attempts()).isEqualTo(2);
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "processed/")).containsExactly(done.outputKey());
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "raw/")).isEmpty();
            assertThat(MAIL.getReceivedMessages()).hasSize(1);
            JobsFixture.Probe p = JobsFixture.ffprobe(JobsFixture.download(service.downloadUrl("kim", j.id()),
                    tmp.resolve("out.mp4")));
            assertThat(p.duration()).isBetween(9.5, 10.5);
            QueueStats q = service.queueStats();
            assertThat(q.waiting() + q.claimed() + q.deadLetters()).isZero();
            assertThat(service.store().countByState()).containsEntry(JobState.COMPLETED, 1L)
                    .containsEntry(JobState.PROCESSING, 0L);
        } finally {
            if (first != null) {
                first.destroyForcibly().waitFor();
            }
            if (second != null) {
                second.destroy();
                second.waitFor();
            }
        }
    }
}
