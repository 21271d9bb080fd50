package io.stowage.transcode.jobs;

import io.stowage.transcode.jobs.testing.JobsFixture;
import io.lettuce.core.StreamMessage;
import io.stowage.testing.EmbeddedS3Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A job ffmpeg fails on every time ends FAILED in the dead-letter stream after 3 attempts; the others complete. */
class DeadLetterTest {
    @RegisterExtension
    static final JobsFixture.RedisKeys KEYS = JobsFixture.RedisKeys.of(DeadLetterTest.class);
    private static final String PREFIX = KEYS.prefix();

    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    @TempDir
    Path tmp;

    /** A clip whose index (moov) is intact, so ffprobe accepts it, but whose media data is zeroed. */
    private Path brokenClip() throws Exception {
        byte[] b = Files.readAllBytes(JobsFixture.clip(2));
        byte[] mdat = "mdat".getBytes(StandardCharsets.US_ASCII);
        int at = -1;
        for (int i = 0; i + 4 <= b.length; i++) {
            if (b[i] == mdat[0] && b[i + 1] == mdat[1] && b[i + 2] == mdat[2] && b[i + 3] == mdat[3]) {
                at = i;
                break;
            }
        }
        assertThat(at).as("mdat box").isPositive();
        long size = ((b[at - 4] & 0xFFL) << 24) | ((b[at - 3] & 0xFF) << 16) | ((b[at - 2] & 0xFF) << 8) | (b[at - 1] & 0xFF);
        for (int i = at + 4; i < at - 4 + size && i < b.length; i++) {
            b[i] = 0;
        }
        Path p = tmp.resolve("broken.mp4");
        Files.write(p, b);
        return p;
    }

    @Test
    void jobFailingEveryTimeGoesToTheDeadLetterStreamAfterThreeAttempts() throws Exception {
        TranscodeJobsConfig c = JobsFixture.config(PREFIX, S3.bucket());
        try (TranscodeService service = JobsFixture.service(c, S3.client());
             TranscodeWorker worker = JobsFixture.worker(c, S3.client()).workers(2).build()) {
            List<JobId> good = new ArrayList<>();
            good.add(service.submit("gus", JobsFixture.clip(1), "a.mp4", "h264", Optional.empty()).id());
            JobView bad = service.submit("gus", brokenClip(), "broken.mp4", "h264", Optional.empty());
            good.add(service.submit("gus", JobsFixture.clip(1), "b.mp4", "h264", Optional.empty()).id());
            good.add(service.submit("hal", JobsFixture.clip(1), "c.mp4", "h264", Optional.empty()).id());
            worker.start();
            JobsFixture.await("all finished", Duration.ofMinutes(3), () -> service.status("gus", bad.id()).state().isFinal()
                    && good.stream().allMatch(id -> service.store().find("gus", id).or(() -> service.store()
                            .find("hal", id)).map(v -> v.state().isFinal()).orElse(false)));

            JobView failed = service.status("gus", bad.id());
            assertThat(failed.state()).isEqualTo(JobState.FAILED);
            assertThat(failed.attempts()).isEqualTo(3);
            assertThat(failed.error()).startsWith("failed 3 times, last: ").hasSizeGreaterThan(40);
            List<StreamMessage<String, String>> dead = new JobQueue(service.store().keys(), service.store().redis())
                    .deadLetters(10);
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).getBody()).containsEntry("job", bad.id().value()).containsEntry("user", "gus")
                    .containsEntry("attempts", "3").containsEntry("error", failed.error());
            assertThat(service.queueStats().deadLetters()).isEqualTo(1);
            for (JobId id : good) {
                JobView v = service.store().find("gus", id).orElseGet(() -> service.status("hal", id));
                assertThat(v.state()).isEqualTo(JobState.COMPLETED);
                assertThat(v.attempts()).isEqualTo(1);
            }
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "processed/")).hasSize(3);
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "raw/")).containsExactly(failed.inputKey());
            assertThat(service.queueStats().waiting() + service.queueStats().claimed()).isZero();
        }
    }
}
