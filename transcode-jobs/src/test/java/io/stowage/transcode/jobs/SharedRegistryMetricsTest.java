package io.stowage.transcode.jobs;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.transcode.jobs.testing.JobsFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service and workers in one process share one registry (`stowage serve transcode`): the queue gauges are fed by
 * whichever of them is alive. Regression: the second registration was ignored by Micrometer (with a WARN), and once
 * the first instance closed, the gauges kept its last values.
 */
class SharedRegistryMetricsTest {
    @RegisterExtension
    static final JobsFixture.RedisKeys KEYS = JobsFixture.RedisKeys.of(SharedRegistryMetricsTest.class);

    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    @Test
    void queueGaugesFollowTheQueueWhileAnyInstanceOnTheRegistryLives() throws Exception {
        TranscodeJobsConfig c = JobsFixture.config(KEYS.prefix() + "gauges:", S3.bucket());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Path clip = JobsFixture.clip(1);
        try (TranscodeService plain = JobsFixture.service(c, S3.client())) {
            TranscodeService first = TranscodeService.builder(c).s3(S3.client()).meterRegistry(registry).build();
            // a worker built on the same registry and never started: it only observes
            try (TranscodeWorker observer = JobsFixture.worker(c, S3.client()).meterRegistry(registry).build()) {
                plain.submit("ann", clip, "a.mp4", "h264", Optional.empty());
                JobsFixture.await("waiting = 1", Duration.ofSeconds(20), () -> waiting(registry) == 1);
                first.close();
                plain.submit("ann", clip, "b.mp4", "h264", Optional.empty());
                JobsFixture.await("waiting = 2 after the first instance closed", Duration.ofSeconds(20),
                        () -> waiting(registry) == 2);
                assertThat(registry.get("stowage.transcode.jobs.state").tag("state", "PENDING").gauge().value())
                        .isEqualTo(2.0);
            }
        }
    }

    private static double waiting(SimpleMeterRegistry registry) {
        return registry.get("stowage.transcode.jobs.queue.waiting").gauge().value();
    }
}
