package io.stowage.examples;

import io.stowage.s3.EmbeddedS3;
import io.stowage.service.JwtSettings;
import io.stowage.service.JwtTokens;
import io.stowage.service.transcode.TranscodeServer;
import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.Transcoder;
import io.stowage.transcode.jobs.TranscodeJobsConfig;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code stowage serve transcode} as a user meets it: {@link TranscodeServer} runs in process on a free port with two
 * workers, its store in EmbeddedS3; a generated clip is uploaded over real HTTP ({@code POST /upload}, multipart,
 * with a bearer token), {@code GET /status/{job}} is polled until COMPLETED, {@code GET /download/{job}} redirects to
 * the output, which is downloaded and checked with ffprobe. Needs Redis ({@code STOWAGE_REDIS}, else
 * {@code redis://127.0.0.1:6379}); without one it says how to start one and is skipped. Its Redis keys live under a
 * fresh {@code stowage:demo:...:} prefix, all removed at the end (the job itself through {@code DELETE /jobs/{job}}).
 *
 * <p>The same with the command line: {@code stowage serve transcode}, {@code T=$(stowage token create --user demo)},
 * {@code curl -H "Authorization: Bearer $T" -F preset=web-mp4 -F file=@clip.mp4 http://127.0.0.1:8080/upload}.
 *
 * <p>{@code new TranscodeServiceDemo().run(Files.createTempDirectory("serve"), System.out);}
 *
 * <p>Stateless and thread-safe.
 */
public final class TranscodeServiceDemo implements DemoPipeline {
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"([A-Z]+)\"");

    @Override
    public String name() {
        return "transcode-service";
    }

    @Override
    public String description() {
        return "upload a clip to serve transcode over HTTP, wait for COMPLETED, download it, check it with ffprobe";
    }

    @Override
    public void run(Path workDir, PrintStream out) throws Exception {
        DemoRedis.withFreshPrefix(out, prefix -> run(workDir, out, prefix));
    }

    private void run(Path workDir, PrintStream out, String prefix) throws Exception {
        TranscodeJobsConfig config = TranscodeJobsConfig.defaults(DemoRedis.url(), "transcode")
                .withKeyPrefix(prefix)
                .withPollTimeout(Duration.ofMillis(300));
        // the token key is generated once into the state folder, as `serve transcode` does under ~/.stowage
        JwtTokens tokens = JwtTokens.fromKeyFile(workDir.resolve("jwt-key.json"), JwtSettings.defaults());
        try (Transcoder t = Transcoder.create();
             EmbeddedS3 store = EmbeddedS3.builder().directory(workDir.resolve("store")).bucket("transcode").start();
             S3Client s3 = store.newClient();
             TranscodeServer server = TranscodeServer.builder(config).s3(s3).tokens(tokens).transcoder(t)
                     .workers(2).port(0).start()) {
            String base = server.url();
            String bearer = "Bearer " + tokens.create("demo", Duration.ofHours(1));
            out.println("  serve transcode on " + base + " (2 workers in process, store " + store.endpoint() + ")");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

            // 1. upload a generated clip: multipart, the preset field before the file part
            Path clip = workDir.resolve("clip.mp4");
            MediaInfo in = t.createTestClip(clip, Duration.ofSeconds(2), 320, 240, true);
            String boundary = "----stowage-demo-" + UUID.randomUUID();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"preset\"\r\n\r\nweb-mp4\r\n"
                    + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.mp4\"\r\n"
                    + "Content-Type: video/mp4\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(Files.readAllBytes(clip));
            body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            long t0 = System.nanoTime();
            HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create(base + "/upload"))
                    .header("Authorization", bearer).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofString());
            check(up.statusCode() == 201, "POST /upload answered " + up.statusCode() + ": " + up.body());
            String job = find(ID, up.body());
            out.printf(Locale.ROOT, "  POST /upload (%d bytes) -> 201, job %s %s%n", Files.size(clip), job,
                    find(STATE, up.body()));

            // 2. poll the status until the job is final
            String state = "PENDING";
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (state.equals("PENDING") || state.equals("PROCESSING")) {
                check(System.nanoTime() < deadline, "the job finished within 60 s (last state " + state + ")");
                Thread.sleep(100);
                HttpResponse<String> st = http.send(HttpRequest.newBuilder(URI.create(base + "/status/" + job))
                        .header("Authorization", bearer).build(), HttpResponse.BodyHandlers.ofString());
                check(st.statusCode() == 200, "GET /status answered " + st.statusCode() + ": " + st.body());
                state = find(STATE, st.body());
            }
            check(state.equals("COMPLETED"), "the job completed, not " + state);
            out.printf(Locale.ROOT, "  GET /status/%s -> COMPLETED %.2f s after the upload began%n", job,
                    (System.nanoTime() - t0) / 1e9);

            // 3. download: a redirect to a presigned link of the output (followed without the bearer token)
            HttpResponse<Void> redirect = http.send(HttpRequest.newBuilder(URI.create(base + "/download/" + job))
                    .header("Authorization", bearer).build(), HttpResponse.BodyHandlers.discarding());
            check(redirect.statusCode() == 302, "GET /download answered " + redirect.statusCode());
            URI link = URI.create(redirect.headers().firstValue("Location").orElseThrow());
            Path result = workDir.resolve("clip-web.mp4");
            HttpResponse<Path> got = http.send(HttpRequest.newBuilder(link).build(),
                    HttpResponse.BodyHandlers.ofFile(result));
            check(got.statusCode() == 200, "the presigned link answered " + got.statusCode());
            MediaInfo probed = t.probe(result);
            check(probed.video().isPresent() && Math.abs(probed.durationSeconds() - in.durationSeconds()) < 0.5,
                    "ffprobe finds " + in.durationSeconds() + " s of video: " + probed);
            out.printf(Locale.ROOT, "  GET /download/%s -> 302 -> %d bytes; ffprobe: %s, %.1f s of video%n", job,
                    Files.size(result), probed.formatName(), probed.durationSeconds());

            HttpResponse<Void> del = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + job))
                    .header("Authorization", bearer).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            check(del.statusCode() == 204, "DELETE /jobs answered " + del.statusCode());
            out.println("  output: " + result);
        }
    }

    private static String find(Pattern p, String json) {
        Matcher m = p.matcher(json);
        check(m.find(), p + " in " + json);
        return m.group(1);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("transcode-service demo check failed: " + what);
        }
    }
}
