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
 * A service and workers in one process share one registry (`stowage serve transcode`): the workers count into the
 * service's meters ({@link TranscodeWorker.Builder#metricsOf}), so there is one set of queue gauges, fed by the
 * service. No state is kept across instances (the gauges were once shared through a static per-registry map).
 */
class SharedRegistryMetricsTest {
    @RegisterExtension
    static final JobsFixture.RedisKeys KEYS = JobsFixture.RedisKeys.of(SharedRegistryMetricsTest.class);

    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    @Test
    void workersBuiltWithMetricsOfCountIntoTheServiceMeters() throws Exception {
        TranscodeJobsConfig c = JobsFixture.config(KEYS.prefix() + "shared:", S3.bucket());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Path clip = JobsFixture.clip(1);
        try (TranscodeService service = TranscodeService.builder(c).s3(S3.client()).meterRegistry(registry).build()) {
            // a worker that is never started: it only shares the meters
            TranscodeWorker worker = JobsFixture.worker(c, S3.client()).metricsOf(service).build();
            assertThat(worker.metrics()).isSameAs(service.metrics());
            service.submit("ann", clip, "a.mp4", "h264", Optional.empty());
            JobsFixture.await("waiting = 1", Duration.ofSeconds(20), () -> waiting(registry) == 1);
            worker.close(); // the service's meters: the worker does not stop them
            service.submit("ann", clip, "b.mp4", "h264", Optional.empty());
            // one refresh sets the queue gauges, then the state counts: wait for both
            JobsFixture.await("waiting = 2 and 2 PENDING after the worker closed", Duration.ofSeconds(20),
                    () -> waiting(registry) == 2 && registry.get("stowage.transcode.jobs.state")
                            .tag("state", "PENDING").gauge().value() == 2.0);
            assertThat(registry.find("stowage.transcode.jobs.queue.waiting").gauges()).hasSize(1);
        }
    }

    @Test
    void aSecondInstanceOnARegistryLeavesTheGaugesToTheFirstAndRegistriesDoNotShare() throws Exception {
        TranscodeJobsConfig c = JobsFixture.config(KEYS.prefix() + "second:", S3.bucket());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        Path clip = JobsFixture.clip(1);
        try (TranscodeService first = TranscodeService.builder(c).s3(S3.client()).meterRegistry(registry).build();
             TranscodeService second = TranscodeService.builder(c).s3(S3.client()).meterRegistry(registry).build();
             TranscodeService elsewhere = TranscodeService.builder(c).s3(S3.client()).meterRegistry(other).build()) {
            assertThat(first.metrics().feedsGauges()).isTrue();
            assertThat(second.metrics().feedsGauges()).isFalse();
            assertThat(elsewhere.metrics().feedsGauges()).isTrue();
            second.submit("ann", clip, "a.mp4", "h264", Optional.empty());
            JobsFixture.await("waiting = 1 on both registries", Duration.ofSeconds(20),
                    () -> waiting(registry) == 1 && waiting(other) == 1);
            // counters are not gauges: the second instance's submit counts on the shared registry
            assertThat(registry.get("stowage.transcode.jobs.submitted").tag("outcome", "queued").counter().count())
                    .isEqualTo(1.0);
        }
    }

    private static double waiting(SimpleMeterRegistry registry) {
        return registry.get("stowage.transcode.jobs.queue.waiting").gauge().value();
    }
}
