package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.stowage.s3.EmbeddedS3;
import io.stowage.testing.core.MediaGenerator;
import io.stowage.testing.core.MediaSpec;
import io.stowage.testing.core.TestRedis;
import io.stowage.transcode.Transcoder;
import io.stowage.transcode.jobs.TranscodeJobsConfig;
import io.stowage.transcode.jobs.TranscodeWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code stowage jobs submit|status|list|cancel} against a real Redis and an EmbeddedS3, with a library worker. */
class JobsCliTest {
    private static final String PREFIX = TestRedis.prefix(JobsCliTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedS3 s3;
    private static Transcoder transcoder;
    private static Path clip;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        TestRedis.requireReachable();
        s3 = EmbeddedS3.builder().directory(tmp.resolve("store")).bucket("media").start();
        transcoder = Transcoder.create();
        clip = MediaGenerator.of(transcoder.ffmpegPath()).generate(MediaSpec.mp4(1).withSize(160, 120),
                tmp.resolve("clip.mp4"));
    }

    @AfterAll
    static void stop() {
        transcoder.close();
        s3.close();
        RedisClient c = RedisClient.create(TestRedis.url());
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
            List<String> keys = new ArrayList<>();
            ScanIterator.scan(conn.sync(), ScanArgs.Builder.matches(PREFIX + "*")).forEachRemaining(keys::add);
            if (!keys.isEmpty()) {
                conn.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            c.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    private static CliRun jobs(String... args) {
        List<String> a = new ArrayList<>(List.of("jobs"));
        a.addAll(List.of(args));
        a.addAll(List.of("--redis", TestRedis.url(), "--key-prefix", PREFIX, "--bucket", "media", "--endpoint",
                s3.endpoint().toString(), "--json"));
        return CliRun.of(a.toArray(String[]::new));
    }

    private static JsonNode json(CliRun r) throws Exception {
        return JSON.readTree(r.out());
    }

    @Test
    void workerNeedsSmtpAndSenderTogether() throws Exception {
        CliRun r = CliRun.of("worker", "transcode", "--redis", TestRedis.url(), "--key-prefix", PREFIX, "--bucket",
                "media", "--endpoint", s3.endpoint().toString(), "--smtp", "smtp://127.0.0.1:25", "--json");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(json(r).get("error").get("type").asText()).isEqualTo("CliUsageException");
        assertThat(r.err()).contains("--mail-from");
    }

    @Test
    void submitStatusListCancelAndErrors() throws Exception {
        CliRun submit = jobs("submit", clip.toString(), "--user", "alice", "--preset", "h264", "--name", "../x.mp4");
        assertThat(submit.exitCode()).as(submit.err()).isZero();
        JsonNode job = json(submit);
        String id = job.get("id").asText();
        assertThat(job.get("state").asText()).isEqualTo("PENDING");
        assertThat(job.get("input_key").asText()).isEqualTo("raw/alice/" + id + "/x.mp4");
        assertThat(job.get("original_name").asText()).isEqualTo("../x.mp4");

        CliRun second = jobs("submit", clip.toString(), "--user", "alice", "--preset", "h264");
        String id2 = json(second).get("id").asText();
        CliRun cancel = jobs("cancel", id2, "--user", "alice");
        assertThat(cancel.exitCode()).isZero();
        assertThat(json(cancel).get("state").asText()).isEqualTo("CANCELLED");

        CliRun list = jobs("list", "--user", "alice");
        assertThat(list.exitCode()).isZero();
        assertThat(json(list).get("total").asLong()).isEqualTo(2);
        assertThat(json(list).get("jobs").get(0).get("id").asText()).isEqualTo(id2);   // newest first

        CliRun other = jobs("status", id, "--user", "bob");
        assertThat(other.exitCode()).isEqualTo(1);
        assertThat(json(other).get("error").get("type").asText()).isEqualTo("TranscodeJobsNotFoundException");

        CliRun preset = jobs("submit", clip.toString(), "--user", "alice", "--preset", "nope");
        assertThat(preset.exitCode()).isEqualTo(2);
        assertThat(json(preset).get("error").get("type").asText()).isEqualTo("TranscodeJobsUnknownPresetException");

        CliRun user = jobs("list", "--user", "../bob");
        assertThat(user.exitCode()).isEqualTo(2);
        assertThat(json(user).get("error").get("type").asText()).isEqualTo("TranscodeJobsInvalidUserException");

        TranscodeJobsConfig c = TranscodeJobsConfig.defaults(TestRedis.url(), "media").withKeyPrefix(PREFIX)
                .withPollTimeout(Duration.ofMillis(300));
        try (S3Client client = s3.newClient();
             TranscodeWorker w = TranscodeWorker.builder(c).s3(client).transcoder(transcoder).build().start()) {
            long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            JsonNode st;
            do {
                Thread.sleep(200);
                st = json(jobs("status", id, "--user", "alice"));
            } while (!st.get("state").asText().equals("COMPLETED") && System.nanoTime() < end);
            assertThat(st.get("state").asText()).isEqualTo("COMPLETED");
            assertThat(st.get("download_url").asText()).contains("/media/processed/alice/" + id + "/x.mp4");
            assertThat(st.get("output_size").asLong()).isPositive();
        }
    }

    @Test
    void cancelOfARunningJobWaitsForItsWorkerToStopIt() throws Exception {
        // long enough that the worker is still transcoding when the cancel arrives
        Path longClip = MediaGenerator.of(transcoder.ffmpegPath()).generate(MediaSpec.mp4(90).withSize(640, 360),
                tmp.resolve("long.mp4"));
        TranscodeJobsConfig c = TranscodeJobsConfig.defaults(TestRedis.url(), "media").withKeyPrefix(PREFIX)
                .withPollTimeout(Duration.ofMillis(300));
        try (S3Client client = s3.newClient();
             TranscodeWorker w = TranscodeWorker.builder(c).s3(client).transcoder(transcoder).build().start()) {
            CliRun submit = jobs("submit", longClip.toString(), "--user", "carol", "--preset", "h264");
            assertThat(submit.exitCode()).as(submit.err()).isZero();
            String id = json(submit).get("id").asText();
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            JsonNode st;
            do {
                Thread.sleep(100);
                st = json(jobs("status", id, "--user", "carol"));
            } while (st.get("state").asText().equals("PENDING") && System.nanoTime() < end);
            assertThat(st.get("state").asText()).isEqualTo("PROCESSING");

            CliRun cancel = jobs("cancel", id, "--user", "carol", "--wait", "30s");
            assertThat(cancel.exitCode()).as(cancel.err()).isZero();
            // the printed job is the stopped one, not the PROCESSING it was when the cancel was sent
            assertThat(json(cancel).get("state").asText()).isEqualTo("CANCELLED");
            assertThat(cancel.err()).doesNotContain("cancel requested");
        }
    }
}
