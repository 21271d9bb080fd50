package io.stowage.transcode.jobs;

import io.stowage.transcode.jobs.testing.JobsFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.s3.ETags;
import io.stowage.s3.S3Objects;
import io.stowage.s3.StreamUploadOptions;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.MediaSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A redelivered job whose verified output exists is completed without transcoding; shutdown releases running jobs. */
class RedeliveryAndShutdownTest {
    @RegisterExtension
    static final JobsFixture.RedisKeys KEYS = JobsFixture.RedisKeys.of(RedeliveryAndShutdownTest.class);
    private static final String PREFIX = KEYS.prefix();

    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    private static java.util.List<String> consumers(TranscodeService service) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (Object o : service.store().redis().xinfoConsumers(service.store().keys().stream(), Keys.GROUP)) {
            java.util.List<?> f = (java.util.List<?>) o;
            for (int i = 0; i + 1 < f.size(); i += 2) {
                if ("name".equals(String.valueOf(f.get(i)))) {
                    names.add(String.valueOf(f.get(i + 1)));
                }
            }
        }
        return names;
    }

    @Test
    void existingVerifiedOutputCompletesWithoutTranscodingAgain() throws Exception {
        TranscodeJobsConfig c = JobsFixture.config(PREFIX + "redeliver:", S3.bucket());
        Path clip = JobsFixture.clip(2);
        try (TranscodeService service = JobsFixture.service(c, S3.client())) {
            JobView j = service.submit("liz", clip, "movie.mov", "h264", Optional.empty());
            // what a worker that died after its upload (before storing COMPLETED) leaves behind
            String outKey = "processed/liz/" + j.id() + "/movie.mp4";
            try (InputStream in = Files.newInputStream(clip)) {
                S3Objects.create(S3.client()).put(S3.bucket(), outKey, in, StreamUploadOptions.defaults());
            }
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (TranscodeWorker w = JobsFixture.worker(c, S3.client()).meterRegistry(registry).build().start()) {
                JobsFixture.await("COMPLETED", Duration.ofSeconds(60),
                        () -> service.status("liz", j.id()).state().isFinal());
            }
            JobView v = service.status("liz", j.id());
            assertThat(v.state()).isEqualTo(JobState.COMPLETED);
            assertThat(v.outputKey()).isEqualTo(outKey);
            assertThat(v.encoder()).isEqualTo("unknown");        // no transcode ran: no encoder reported
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "processed/")).containsExactly(outKey);
            assertThat(S3Objects.create(S3.client()).head(S3.bucket(), outKey).orElseThrow().eTag())
                    .isEqualTo(ETags.md5Hex(clip));                 // the object found, not a new upload
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "raw/")).isEmpty();
            assertThat(registry.get("stowage.transcode.jobs.duration").tag("outcome", "completed").timer().count())
                    .isEqualTo(1);
        }
    }

    @Test
    void closingAWorkerReleasesItsRunningJobForAnother() throws Exception {
        TranscodeJobsConfig c = JobsFixture.config(PREFIX + "release:", S3.bucket()).withShutdownGrace(Duration.ZERO);
        Path clip = JobsFixture.media().cached(MediaSpec.mp4(20).withSize(640, 360));
        try (TranscodeService service = JobsFixture.service(c, S3.client())) {
            JobView j = service.submit("max", clip, "long.mp4", "h264", Optional.empty());
            SimpleMeterRegistry first = new SimpleMeterRegistry();
            TranscodeWorker a = JobsFixture.worker(c, S3.client()).meterRegistry(first).build().start();
            try {
                JobsFixture.await("transcoding under way", Duration.ofSeconds(60),
                        () -> service.status("max", j.id()).percent() > 0);
            } finally {
                a.close();                                  // what SIGTERM runs
            }
            JobView released = service.status("max", j.id());
            assertThat(released.state()).isEqualTo(JobState.PENDING);
            assertThat(released.attempts()).isZero();
            assertThat(service.queueStats().waiting()).isEqualTo(1);
            assertThat(service.queueStats().claimed()).isZero();
            assertThat(first.get("stowage.transcode.jobs.duration").tag("outcome", "released:released").timer()
                    .count()).isEqualTo(1);
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "processed/")).isEmpty();

            try (TranscodeWorker b = JobsFixture.worker(c, S3.client()).build().start()) {
                JobsFixture.await("COMPLETED", Duration.ofMinutes(3),
                        () -> service.status("max", j.id()).state().isFinal());
                assertThat(consumers(service)).containsAll(a.consumerNames());
                assertThat(b.dropIdleConsumers(Duration.ZERO)).isGreaterThanOrEqualTo(1);
                assertThat(consumers(service)).doesNotContainAnyElementsOf(a.consumerNames());
            }
            JobView done = service.status("max", j.id());
            assertThat(done.state()).isEqualTo(JobState.COMPLETED);
            assertThat(done.attempts()).isEqualTo(1);
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "processed/")).containsExactly(done.outputKey());
        }
    }
}
