package io.stowage.cli;

import io.stowage.testing.core.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code stowage serve transcode} from the shaded jar as a real process, with Redis and no S3 flags: it starts an S3
 * store in-process, prints the URL, is ready (Redis, S3, ffmpeg), answers a token from {@code stowage token create},
 * serves the page, and stops on SIGTERM. Redis database 12 with its own key prefix is used and cleaned.
 */
class ServeTranscodeIT {
    @Test
    void servesWithEmbeddedS3AndStopsOnSigterm(@TempDir Path tmp) throws Exception {
        TestRedis.requireReachable();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = System.getProperty("stowage.jar");
        Process p = new ProcessBuilder(List.of(java, "-jar", jar, "serve", "transcode", "--port", "0",
                "--state-dir", tmp.toString(), "--redis", TestRedis.url() + "/12"))
                .redirectError(tmp.resolve("err.txt").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).as(Files.readString(tmp.resolve("err.txt"))).startsWith("open http://127.0.0.1:");
            String base = first.substring("open ".length());
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).contains("Stowage transcoding", "/app.js");
            Process t = new ProcessBuilder(List.of(java, "-jar", jar, "token", "create", "--user", "it-user",
                    "--state-dir", tmp.toString())).start();
            String token = new String(t.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(t.waitFor(60, TimeUnit.SECONDS)).isTrue();
            HttpResponse<String> jobs = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(jobs.statusCode()).as(jobs.body()).isEqualTo(200);
            assertThat(jobs.body()).contains("\"total\":0");
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
            dropKeys(TestRedis.url() + "/12");
        }
    }

    private static void dropKeys(String url) {
        io.lettuce.core.RedisClient c = io.lettuce.core.RedisClient.create(url);
        try (var conn = c.connect()) {
            List<String> keys = new java.util.ArrayList<>();
            io.lettuce.core.ScanIterator.scan(conn.sync(), io.lettuce.core.ScanArgs.Builder.matches("stowage:tj:*")
                    .limit(500)).forEachRemaining(keys::add);
            if (!keys.isEmpty()) {
                conn.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            c.shutdown();
        }
    }
}
