package io.stowage.transcode.jobs.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3Objects;
import io.stowage.testing.core.MediaGenerator;
import io.stowage.testing.core.MediaSpec;
import io.stowage.testing.core.TestRedis;
import io.stowage.transcode.Transcoder;
import io.stowage.transcode.jobs.TranscodeJobsConfig;
import io.stowage.transcode.jobs.TranscodeService;
import io.stowage.transcode.jobs.TranscodeWorker;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Shared test plumbing for the transcoding queue: the bundled ffmpeg, media, short timeouts, Redis key clean-up, S3
 * listings, waiting, an ffprobe judge. Published in this module's test-jar for {@code service}'s tests (its own
 * package: a test-jar class in {@code io.stowage.transcode.jobs} would split that module's package):
 *
 * <pre>{@code
 * TranscodeJobsConfig config = JobsFixture.config("test-" + UUID.randomUUID() + ":", bucket);
 * Path clip = JobsFixture.clip(2.0);
 * JobsFixture.await("job done", Duration.ofSeconds(60), () -> ...);
 * }</pre>
 *
 * <p>Thread-safe: the transcoder and media generator are created once, under a lock.
 */
public final class JobsFixture {
    private static Transcoder transcoder;
    private static MediaGenerator media;
    private static final ObjectMapper JSON = new ObjectMapper();

    private JobsFixture() {
    }

    /** One transcoder (bundled ffmpeg) for the whole test JVM, closed at exit. */
    public static synchronized Transcoder transcoder() {
        if (transcoder == null) {
            transcoder = Transcoder.create();
            Runtime.getRuntime().addShutdownHook(new Thread(transcoder::close));
        }
        return transcoder;
    }

    /** A media generator on the bundled ffmpeg. */
    public static synchronized MediaGenerator media() {
        if (media == null) {
            media = MediaGenerator.of(transcoder().ffmpegPath());
        }
        return media;
    }

    /** A service on {@code config} and {@code s3} with the shared transcoder. */
    public static TranscodeService service(TranscodeJobsConfig config, S3Client s3) {
        return TranscodeService.builder(config).s3(s3).transcoder(transcoder()).build();
    }

    /** A worker builder on {@code config} and {@code s3} with the shared transcoder; add workers, notifier, ... */
    public static TranscodeWorker.Builder worker(TranscodeJobsConfig config, S3Client s3) {
        return TranscodeWorker.builder(config).s3(s3).transcoder(transcoder());
    }

    /** A small clip with audio. */
    public static Path clip(double seconds) {
        return media().cached(MediaSpec.mp4(seconds).withSize(160, 120).withFps(15));
    }

    /** Test configuration: short claim timeouts and polls, quick notice retries. */
    public static TranscodeJobsConfig config(String prefix, String bucket) {
        TestRedis.requireReachable();
        return TranscodeJobsConfig.defaults(TestRedis.url(), bucket).withKeyPrefix(prefix)
                .withClaimTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(1)).withPollTimeout(Duration.ofMillis(300))
                .withNotifyRetry(3, Duration.ofMillis(100)).withShutdownGrace(Duration.ofSeconds(5));
    }

    /**
     * A Redis key prefix of one test class, whose keys are deleted after the class:
     * {@code @RegisterExtension static final JobsFixture.RedisKeys KEYS = JobsFixture.RedisKeys.of(MyTest.class);}
     */
    public static final class RedisKeys implements AfterAllCallback {
        private final String prefix;

        private RedisKeys(String prefix) {
            this.prefix = prefix;
        }

        /** A fresh prefix for {@code testClass} ({@link TestRedis#prefix(Class)}). */
        public static RedisKeys of(Class<?> testClass) {
            return new RedisKeys(TestRedis.prefix(testClass));
        }

        /** The prefix, e.g. {@code stowage-test:JobLifecycleTest:1a2b3c4d:}. */
        public String prefix() {
            return prefix;
        }

        @Override
        public void afterAll(ExtensionContext context) {
            dropKeys(prefix);
        }
    }

    /** Deletes every key under {@code prefix} on the test Redis ({@link TestRedis#url()}). */
    public static void dropKeys(String prefix) {
        dropKeys(TestRedis.url(), prefix);
    }

    /** Deletes every key under {@code prefix} on {@code redisUrl}. */
    public static void dropKeys(String redisUrl, String prefix) {
        RedisClient c = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
            RedisCommands<String, String> r = conn.sync();
            List<String> keys = new ArrayList<>();
            ScanIterator.scan(r, ScanArgs.Builder.matches(prefix + "*").limit(500)).forEachRemaining(keys::add);
            if (!keys.isEmpty()) {
                r.del(keys.toArray(String[]::new));
            }
        } finally {
            c.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    /** The keys under {@code prefix} in {@code bucket}. */
    public static List<String> keys(S3Client s3, String bucket, String prefix) {
        try (Stream<RemoteObject> s = S3Objects.create(s3).list(bucket, prefix)) {
            return s.map(RemoteObject::key).toList();
        }
    }

    /** Polls {@code ok} until it holds, failing with {@code what} after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier ok) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** The tests' own judge: the bundled ffprobe run on a local file, its JSON read here. */
    public record Probe(double duration, boolean video, boolean audio, String format) {
    }

    /** Runs the bundled ffprobe on {@code file}; fails the test when it cannot read it. */
    public static Probe ffprobe(Path file) throws IOException, InterruptedException {
        Path exe = transcoder().ffprobePath();
        ProcessBuilder pb = new ProcessBuilder(exe.toString(), "-v", "error", "-print_format", "json",
                "-show_format", "-show_streams", "file:" + file.toAbsolutePath()).redirectErrorStream(false);
        pb.environment().put("LD_LIBRARY_PATH", exe.getParent().toString());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("ffprobe cannot read " + file + ": " + err);
        }
        JsonNode root = JSON.readTree(out);
        boolean v = false;
        boolean a = false;
        for (JsonNode s : root.path("streams")) {
            v |= "video".equals(s.path("codec_type").asText());
            a |= "audio".equals(s.path("codec_type").asText());
        }
        return new Probe(root.path("format").path("duration").asDouble(-1), v, a,
                root.path("format").path("format_name").asText());
    }

    /** Downloads a URL (a presigned link) to a file with plain HTTP, as a browser would. */
    public static Path download(URI url, Path to) throws IOException, InterruptedException {
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
        try {
            if (c.getResponseCode() != 200) {
                throw new AssertionError("GET " + url + " answered " + c.getResponseCode());
            }
            try (InputStream in = c.getInputStream()) {
                Files.copy(in, to);
            }
            return to;
        } finally {
            c.disconnect();
        }
    }
}
