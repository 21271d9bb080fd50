package io.stowage.transcode.jobs;

import io.stowage.transcode.jobs.testing.JobsFixture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every kind of bad input gets a typed error and leaves nothing stored or queued (raw prefix and stream checked). */
class BadInputTest {
    @RegisterExtension
    static final JobsFixture.RedisKeys KEYS = JobsFixture.RedisKeys.of(BadInputTest.class);
    private static final String PREFIX = KEYS.prefix();

    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    @TempDir
    Path tmp;

    private TranscodeService service;
    private TranscodeJobsConfig config;

    @BeforeEach
    void open() {
        config = JobsFixture.config(PREFIX, S3.bucket()).withMaxInputBytes(200_000);
        service = JobsFixture.service(config, S3.client());
    }

    @AfterEach
    void close() {
        service.close();
        JobsFixture.dropKeys(TestRedis.url(), PREFIX);
    }

    private void assertNothingStoredOrQueued() {
        assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "")).as("objects in the bucket").isEmpty();
        QueueStats q = service.queueStats();
        assertThat(q.waiting() + q.claimed()).as("stream entries").isZero();
        RedisClient c = RedisClient.create(TestRedis.url());
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
            assertThat(conn.sync().keys(PREFIX + "job:*")).as("job hashes").isEmpty();
            assertThat(conn.sync().keys(PREFIX + "user:*")).as("histories").isEmpty();
        } finally {
            c.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void nonMediaIsRefusedAndItsRawObjectRemoved() {
        InputStream text = new ByteArrayInputStream("just some text, not a video\n".repeat(100)
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> service.submit("alice", text, "notes.mp4", "h264", Optional.empty()))
                .isInstanceOf(TranscodeJobsNotMediaException.class)
                .satisfies(e -> assertThat(((TranscodeJobsNotMediaException) e).originalName()).isEqualTo("notes.mp4"));
        assertNothingStoredOrQueued();
    }

    @Test
    void emptyFileIsNotMedia() {
        assertThatThrownBy(() -> service.submit("alice", new ByteArrayInputStream(new byte[0]), "e.mp4", "h264",
                Optional.empty())).isInstanceOf(TranscodeJobsNotMediaException.class).hasMessageContaining("empty");
        assertNothingStoredOrQueued();
    }

    @Test
    void audioPresetRefusesAVideoWithoutAudio() {
        Path silent = JobsFixture.media().cached(io.stowage.testing.core.MediaSpec.mp4(1).withSize(160, 120)
                .withAudio(false));
        assertThatThrownBy(() -> service.submit("alice", silent, "silent.mp4", "audio-aac", Optional.empty()))
                .isInstanceOf(TranscodeJobsNotMediaException.class).hasMessageContaining("no audio stream");
        assertNothingStoredOrQueued();
    }

    @Test
    void aMissingBucketSaysToCreateItAndQueuesNothing() {
        TranscodeService noBucket = JobsFixture.service(JobsFixture.config(PREFIX, "no-such-bucket-" + System.nanoTime()),
                S3.client());
        try {
            Path clip = JobsFixture.media().cached(io.stowage.testing.core.MediaSpec.mp4(1).withSize(160, 120));
            assertThatThrownBy(() -> noBucket.submit("alice", clip, "clip.mp4", "h264", Optional.empty()))
                    .isInstanceOf(TranscodeJobsBackendException.class)
                    .hasMessageContaining("NoSuchBucket").hasMessageContaining("create the bucket first")
                    .hasMessageNotContaining("is running and reachable");
        } finally {
            noBucket.close();
        }
        assertNothingStoredOrQueued();
    }

    @Test
    void unknownPresetIsRefusedBeforeReading() {
        InputStream never = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the input must not be read for an unknown preset");
            }
        };
        assertThatThrownBy(() -> service.submit("alice", never, "a.mp4", "no-such-preset", Optional.empty()))
                .isInstanceOf(TranscodeJobsUnknownPresetException.class)
                .satisfies(e -> assertThat(((TranscodeJobsUnknownPresetException) e).known()).contains("h264"));
        assertNothingStoredOrQueued();
    }

    @Test
    void oversizedInputStopsAtTheLimitWhileStreaming() throws Exception {
        long[] served = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served[0]++;
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                served[0] += len;
                return len;
            }
        };
        assertThatThrownBy(() -> service.submit("alice", endless, "huge.mp4", "h264", Optional.empty()))
                .isInstanceOf(TranscodeJobsTooLargeException.class)
                .satisfies(e -> assertThat(((TranscodeJobsTooLargeException) e).limitBytes()).isEqualTo(200_000));
        assertThat(served[0]).as("bytes read from an endless input").isLessThan(200_000 + 128 * 1024);
        assertNothingStoredOrQueued();

        Path big = JobsFixture.media().cached(io.stowage.testing.core.MediaSpec.mp4(10).withSize(640, 360));
        assertThat(Files.size(big)).isGreaterThan(200_000);
        assertThatThrownBy(() -> service.submit("alice", big, "big.mp4", "h264", Optional.empty()))
                .isInstanceOf(TranscodeJobsTooLargeException.class);
        assertNothingStoredOrQueued();
    }

    @Test
    void unsafeNamesAreRefusedOrReducedInsideTheUsersPrefix() throws Exception {
        for (String bad : List.of("", "..", "../..", "/", "a\u0000b.mp4", "line\nbreak.mp4", "...")) {
            assertThatThrownBy(() -> service.submit("alice", JobsFixture.clip(1), bad, "h264", Optional.empty()))
                    .as("name %s", bad).isInstanceOf(TranscodeJobsUnsafeNameException.class);
        }
        assertNothingStoredOrQueued();
        JobView v = service.submit("alice", JobsFixture.clip(1), "../../bob/x.mp4", "h264", Optional.empty());
        assertThat(v.inputKey()).isEqualTo("raw/alice/" + v.id() + "/x.mp4");
        assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "")).containsExactly(v.inputKey());
    }

    @Test
    void invalidUsersAndAddressesAreRefused() {
        for (String user : List.of("", "../bob", "a b", "x".repeat(129), "al/ice")) {
            assertThatThrownBy(() -> service.submit(user, JobsFixture.clip(1), "a.mp4", "h264", Optional.empty()))
                    .as("user %s", user).isInstanceOf(TranscodeJobsInvalidUserException.class);
        }
        for (String mail : List.of("nobody", "a@b\r\nBcc: x@y", "two words@example.com")) {
            assertThatThrownBy(() -> service.submit("alice", JobsFixture.clip(1), "a.mp4", "h264", Optional.of(mail)))
                    .as("email %s", mail).isInstanceOf(TranscodeJobsInvalidEmailException.class);
        }
        assertNothingStoredOrQueued();
    }

    @Test
    void anotherUsersJobIsNotFoundForEveryOperation() {
        JobView v = service.submit("alice", JobsFixture.clip(1), "a.mp4", "h264", Optional.empty());
        JobId id = v.id();
        assertThatThrownBy(() -> service.status("mallory", id)).isInstanceOf(TranscodeJobsNotFoundException.class);
        assertThatThrownBy(() -> service.cancel("mallory", id)).isInstanceOf(TranscodeJobsNotFoundException.class);
        assertThatThrownBy(() -> service.delete("mallory", id)).isInstanceOf(TranscodeJobsNotFoundException.class);
        assertThatThrownBy(() -> service.downloadUrl("mallory", id))
                .isInstanceOf(TranscodeJobsNotFoundException.class);
        assertThat(service.history("mallory", 0, 10).jobs()).isEmpty();
        assertThatThrownBy(() -> JobId.parse("mallory", "../../etc")).isInstanceOf(TranscodeJobsNotFoundException.class);
        assertThat(service.status("alice", id).state()).isEqualTo(JobState.PENDING);
        assertThat(service.status("alice", id).cancelRequested()).isFalse();
        assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "")).containsExactly(v.inputKey());
        assertThat(service.queueStats().waiting()).isEqualTo(1);
    }
}
