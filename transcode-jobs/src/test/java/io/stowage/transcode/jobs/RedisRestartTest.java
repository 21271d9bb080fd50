package io.stowage.transcode.jobs;

import io.stowage.transcode.jobs.testing.JobsFixture;
import io.stowage.testing.EmbeddedS3Extension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A private redis-server (append-only file, fsync always) restarted while workers wait and while jobs are queued: the
 * workers reconnect and go on, no job is lost.
 */
class RedisRestartTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    @TempDir
    Path dir;

    private Process redis;
    private int port;

    private void startRedis() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "")
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile());
        try {
            redis = pb.start();
        } catch (IOException e) {
            throw new AssertionError("redis-server is needed for this test (apt-get install redis-server): " + e, e);
        }
        JobsFixture.await("redis-server on " + port, Duration.ofSeconds(20), () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterEach
    void stopRedis() throws Exception {
        if (redis != null) {
            redis.destroyForcibly().waitFor();
        }
    }

    @Test
    void workersReconnectAfterARestartAndNoJobIsLost() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        startRedis();
        TranscodeJobsConfig c = JobsFixture.config("restart:", S3.bucket()).withRedisUrl("redis://127.0.0.1:" + port);
        try (TranscodeService service = JobsFixture.service(c, S3.client());
             TranscodeWorker worker = JobsFixture.worker(c, S3.client()).workers(2).build().start()) {
            JobView before = service.submit("ivy", JobsFixture.clip(1), "before.mp4", "h264", Optional.empty());
            JobsFixture.await("first job", Duration.ofSeconds(60),
                    () -> service.status("ivy", before.id()).state() == JobState.COMPLETED);

            // 1: restart while the workers wait on an empty queue
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(1500);
            startRedis();
            List<JobId> jobs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                jobs.add(service.submit("ivy", JobsFixture.clip(1), "after-" + i + ".mp4", "h264", Optional.empty()).id());
            }
            // 2: restart again with jobs queued or running
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            startRedis();
            for (int i = 3; i < 5; i++) {
                jobs.add(service.submit("ivy", JobsFixture.clip(1), "after-" + i + ".mp4", "h264", Optional.empty()).id());
            }
            JobsFixture.await("all jobs after the restarts", Duration.ofMinutes(3),
                    () -> jobs.stream().allMatch(id -> service.status("ivy", id).state().isFinal()));
            for (JobId id : jobs) {
                JobView v = service.status("ivy", id);
                assertThat(v.state()).as("%s: %s", id, v.error()).isEqualTo(JobState.COMPLETED);
            }
            assertThat(service.status("ivy", before.id()).state()).isEqualTo(JobState.COMPLETED);
            assertThat(service.history("ivy", 0, 100).total()).isEqualTo(6);
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "processed/")).hasSize(6);
            JobsFixture.await("queue drained", Duration.ofSeconds(30),
                    () -> service.queueStats().waiting() + service.queueStats().claimed() == 0);
        }
    }
}
