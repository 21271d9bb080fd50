package io.stowage.service.transcode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3Objects;
import io.stowage.testing.core.MediaGenerator;
import io.stowage.testing.core.MediaSpec;
import io.stowage.testing.core.TestRedis;
import io.stowage.transcode.Transcoder;
import io.stowage.transcode.jobs.TranscodeJobsConfig;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Test plumbing: the bundled ffmpeg, clips, Redis clean-up, S3 listings, multipart bodies, waiting, ffprobe. */
final class Fixture {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static Transcoder transcoder;
    private static MediaGenerator media;

    private Fixture() {
    }

    static synchronized Transcoder transcoder() {
        if (transcoder == null) {
            transcoder = Transcoder.create();
            Runtime.getRuntime().addShutdownHook(new Thread(transcoder::close));
        }
        return transcoder;
    }

    static synchronized Path clip(double seconds) {
        if (media == null) {
            media = MediaGenerator.of(transcoder().ffmpegPath());
        }
        return media.cached(MediaSpec.mp4(seconds).withSize(160, 120).withFps(15));
    }

    static TranscodeJobsConfig config(String prefix, String bucket) {
        TestRedis.requireReachable();
        return TranscodeJobsConfig.defaults(TestRedis.url(), bucket).withKeyPrefix(prefix)
                .withClaimTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(1)).withPollTimeout(Duration.ofMillis(300))
                .withShutdownGrace(Duration.ofSeconds(5));
    }

    static void dropKeys(String prefix) {
        RedisClient c = RedisClient.create(TestRedis.url());
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
            List<String> keys = new ArrayList<>();
            ScanIterator.scan(conn.sync(), ScanArgs.Builder.matches(prefix + "*").limit(500)).forEachRemaining(keys::add);
            if (!keys.isEmpty()) {
                conn.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            c.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    static List<String> keys(S3Client s3, String bucket, String prefix) {
        try (Stream<RemoteObject> s = S3Objects.create(s3).list(bucket, prefix)) {
            return s.map(RemoteObject::key).toList();
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier ok) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    /** A multipart/form-data body: fields first, then the file part streamed from {@code content}. */
    record Multipart(String boundary, List<String[]> fields, String fileName, String fileType) {
        static Multipart of(String fileName, String... fieldPairs) {
            List<String[]> f = new ArrayList<>();
            for (int i = 0; i < fieldPairs.length; i += 2) {
                f.add(new String[] {fieldPairs[i], fieldPairs[i + 1]});
            }
            return new Multipart("----stowage" + UUID.randomUUID().toString().replace("-", ""), f, fileName,
                    "application/octet-stream");
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        byte[] head() {
            StringBuilder sb = new StringBuilder();
            for (String[] f : fields) {
                sb.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(f[0])
                        .append("\"\r\n\r\n").append(f[1]).append("\r\n");
            }
            sb.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
                    .append(fileName).append("\"\r\nContent-Type: ").append(fileType).append("\r\n\r\n");
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        byte[] tail() {
            return ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        }

        byte[] body(byte[] content) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(head());
            out.writeBytes(content);
            out.writeBytes(tail());
            return out.toByteArray();
        }

        InputStream stream(InputStream content) {
            return new SequenceInputStream(new java.io.ByteArrayInputStream(head()),
                    new SequenceInputStream(content, new java.io.ByteArrayInputStream(tail())));
        }
    }

    static HttpResponse<String> upload(String base, String token, Multipart m, byte[] content) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/upload")).header("Content-Type",
                m.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(m.body(content)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(String method, String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method,
                HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** The tests' own judge: the bundled ffprobe on a local file. Returns the duration in seconds. */
    static double ffprobeDuration(Path file) throws IOException, InterruptedException {
        Path exe = transcoder().ffprobePath();
        ProcessBuilder pb = new ProcessBuilder(exe.toString(), "-v", "error", "-print_format", "json",
                "-show_format", "file:" + file.toAbsolutePath());
        pb.environment().put("LD_LIBRARY_PATH", exe.getParent().toString());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("ffprobe cannot read " + file + ": " + err);
        }
        return JSON.readTree(out).path("format").path("duration").asDouble(-1);
    }

    /** GET /download/{job} with a bearer token, following the 302 to the presigned URL, into {@code to}. */
    static Path download(String base, String token, String job, Path to) throws Exception {
        HttpResponse<String> r = send("GET", base + "/download/" + job, token);
        if (r.statusCode() != 302) {
            throw new AssertionError("GET /download/" + job + " answered " + r.statusCode() + " " + r.body());
        }
        URI link = URI.create(r.headers().firstValue("location").orElseThrow());
        HttpResponse<Path> f = HTTP.send(HttpRequest.newBuilder(link).build(), HttpResponse.BodyHandlers.ofFile(to));
        if (f.statusCode() != 200) {
            throw new AssertionError("GET presigned " + link + " answered " + f.statusCode());
        }
        return to;
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
