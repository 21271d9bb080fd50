package io.stowage.service.transcode;

import io.stowage.transcode.jobs.testing.JobsFixture;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.stowage.service.JwtSettings;
import io.stowage.service.JwtTokens;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.stowage.service.transcode.Fixture.json;
import static io.stowage.service.transcode.Fixture.send;
import static io.stowage.service.transcode.Fixture.upload;
import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP API over real Redis, EmbeddedS3 and ffmpeg: the bad-input matrix and 3 users with 20 uploads. */
class TranscodeApiTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @TempDir
    static Path tmp;
    static final String PREFIX = TestRedis.prefix(TranscodeApiTest.class);
    static final long LIMIT = 2 << 20;
    static final Map<String, String> NOTICES = new ConcurrentHashMap<>();
    static String bucket;
    static JwtTokens tokens;
    static TranscodeServer server;
    static String base;

    @BeforeAll
    static void start() {
        bucket = S3.newBucket("transcode-api");
        tokens = JwtTokens.fromKeyFile(tmp.resolve("jwt.json"), JwtSettings.defaults());
        server = TranscodeServer.builder(JobsFixture.config(PREFIX, bucket).withMaxInputBytes(LIMIT))
                .s3(S3.client()).tokens(tokens).transcoder(JobsFixture.transcoder()).workers(2).port(0)
                .publicUrl(java.net.URI.create("https://transcode.example.com"))
                .notifier((job, link) -> NOTICES.put(job.id().value(), link.map(Object::toString).orElse("none")))
                .start();
        base = server.url();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        JobsFixture.dropKeys(PREFIX);
    }

    static String token(String user) {
        return tokens.create(user, Duration.ofMinutes(30));
    }

    static byte[] clip() throws Exception {
        return Files.readAllBytes(JobsFixture.clip(1.0));
    }

    /** Waits until the workers have taken every queued job of earlier tests, so "nothing queued" can be checked. */
    static void awaitQueueIdle() throws Exception {
        JobsFixture.await("an idle queue", Duration.ofMinutes(2), () -> {
            var q = server.service().queueStats();
            return q.waiting() == 0 && q.claimed() == 0;
        });
    }

    /** Nothing under the user's raw or processed prefix, no job in the user's history, nothing waiting (call
     *  {@link #awaitQueueIdle()} before the requests). */
    static void assertNothingStoredOrQueued(String user) throws Exception {
        assertThat(JobsFixture.keys(S3.client(), bucket, "raw/" + user + "/")).isEmpty();
        assertThat(JobsFixture.keys(S3.client(), bucket, "processed/" + user + "/")).isEmpty();
        assertThat(server.service().history(user, 0, 10).total()).isZero();
        assertThat(server.service().queueStats().waiting()).isZero();
    }

    static void assertError(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = json(r).get("error");
        assertThat(e.get("type").asText()).isNotBlank();
        assertThat(e.get("message").asText()).isNotBlank();
    }

    @Test
    void noOrBadTokensAre401AndStoreNothing() throws Exception {
        awaitQueueIdle();
        String user = "mallory";
        // a small body; multi-MiB bodies: aRefusedUploadIsAnsweredWhileTheClientStillSendsAMultiMiBBody
        byte[] clip = java.util.Arrays.copyOf(clip(), 1024);
        Fixture.Multipart m = Fixture.Multipart.of("a.mp4", "preset", "web-mp4");
        assertError(upload(base, null, m, clip), 401);
        assertError(upload(base, tokens.create(user, Duration.ofMinutes(-5)), m, clip), 401);
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(user).issuer("stowage").audience("stowage-transcode")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).build();
        assertError(upload(base, new PlainJWT(claims).serialize(), m, clip), 401);
        SignedJWT wrongKey = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        wrongKey.sign(new MACSigner(new OctetSequenceKeyGenerator(256).generate()));
        assertError(upload(base, wrongKey.serialize(), m, clip), 401);
        String[] p = token("alice").split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(p[1]), StandardCharsets.UTF_8)
                .replace("\"alice\"", "\"" + user + "\"");
        String changed = p[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + p[2];
        assertError(upload(base, changed, m, clip), 401);
        for (String path : List.of("/status/0123456789abcdef01234567", "/jobs", "/download/0123456789abcdef01234567")) {
            assertError(send("GET", base + path, null), 401);
        }
        assertError(send("DELETE", base + "/jobs/0123456789abcdef01234567", null), 401);
        assertNothingStoredOrQueued(user);
    }

    @Test
    void aRefusedUploadIsAnsweredWhileTheClientStillSendsAMultiMiBBody() throws Exception {
        awaitQueueIdle();
        Fixture.Multipart m = Fixture.Multipart.of("big.mp4", "preset", "web-mp4");
        byte[] body = m.body(new byte[12 << 20]);
        // no Expect: the whole body is written before the answer is read, as curl and most clients do; a server
        // that answers and closes with megabytes unread resets the connection ("Broken pipe" on the write or
        // "Connection reset" on the read instead of the 401)
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + m.contentType()
                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(readLine(in)).startsWith("HTTP/1.1 401");
            assertThat(new String(in.readNBytes(4096), StandardCharsets.UTF_8)).contains("ServiceUnauthorizedException");
        }
        // the same through java.net.http, with a wrong token
        assertError(upload(base, "not.a.jwt", m, new byte[12 << 20]), 401);
        // Expect: 100-continue: the 401 comes instead of the 100, and the client never sends the body
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + m.contentType()
                    + "\r\nContent-Length: " + body.length + "\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readLine(s.getInputStream())).startsWith("HTTP/1.1 401");
        }
        assertThat(server.service().queueStats().waiting()).isZero();
    }

    @Test
    void nonMediaUnknownPresetAndPathNamesAreRefusedAndStoreNothing() throws Exception {
        awaitQueueIdle();
        String user = "trudy";
        String t = token(user);
        byte[] text = "this is not a video\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        assertError(upload(base, t, Fixture.Multipart.of("notes.mp4", "preset", "web-mp4"), text), 415);
        assertError(upload(base, t, Fixture.Multipart.of("a.mp4", "preset", "no-such-preset"), clip()), 422);
        assertError(upload(base, t, Fixture.Multipart.of("../../etc/x.mp4", "preset", "web-mp4"), clip()), 400);
        assertError(upload(base, t, Fixture.Multipart.of("..\\..\\x.mp4", "preset", "web-mp4"), clip()), 400);
        assertError(upload(base, t, Fixture.Multipart.of("..", "preset", "web-mp4"), clip()), 422);
        assertError(upload(base, t, Fixture.Multipart.of("a.mp4"), clip()), 400); // no preset
        HttpResponse<String> notMultipart = Fixture.HTTP.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/upload")).header("Authorization", "Bearer " + t)
                .header("Content-Type", "application/octet-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(clip())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(notMultipart, 415);
        assertError(send("GET", base + "/jobs?page=-1", t), 400);
        assertNothingStoredOrQueued(user);
    }

    @Test
    void oversizedUploadIsRefusedMidStreamAndStoresNothing() throws Exception {
        awaitQueueIdle();
        String user = "oscar";
        String t = token(user);
        Fixture.Multipart m = Fixture.Multipart.of("big.mp4", "preset", "web-mp4");
        // chunked: no length to judge by, so the limit stops it while it streams; the body is far from complete
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + t
                    + "\r\nContent-Type: " + m.contentType() + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            chunk(out, m.head());
            byte[] junk = new byte[64 * 1024];
            for (long sent = 0; sent < LIMIT + (512 << 10); sent += junk.length) {
                chunk(out, junk);
            }
            out.flush();
            String status = readLine(s.getInputStream());
            assertThat(status).startsWith("HTTP/1.1 413");
        }
        // with a declared length over the limit: refused before the body is read
        HttpResponse<String> declared = upload(base, t, m, new byte[(int) LIMIT + (256 << 10)]);
        assertError(declared, 413);
        assertNothingStoredOrQueued(user);
    }

    private static void chunk(OutputStream out, byte[] b) throws Exception {
        out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static String readLine(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            sb.append((char) c);
        }
        return sb.toString().trim();
    }

    @Test
    void threeUsersTwentyUploadsTwoWorkersEveryJobCompletedAndOnlyItsOwnerSeesIt() throws Exception {
        List<String> users = List.of("ann", "ben", "cat");
        byte[] clip = clip();
        double clipSeconds = JobsFixture.ffprobe(JobsFixture.clip(1.0)).duration();
        Map<String, String> owner = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> f = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String user = users.get(i % 3);
                int n = i;
                f.add(pool.submit(() -> {
                    Fixture.Multipart m = n == 0
                            ? Fixture.Multipart.of("clip-0.mp4", "preset", "web-mp4", "email", "ann@example.com")
                            : Fixture.Multipart.of("clip-" + n + ".mp4", "preset", "web-mp4");
                    HttpResponse<String> r = upload(base, token(user), m, clip);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                    JsonNode j = json(r);
                    assertThat(j.get("state").asText()).isIn("PENDING", "PROCESSING", "COMPLETED"); // workers are quick
                    assertThat(r.headers().firstValue("location").orElse("")).isEqualTo("/status/" + j.get("id").asText());
                    owner.put(j.get("id").asText(), user);
                    return null;
                }));
            }
            for (Future<?> x : f) {
                x.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(owner).hasSize(20);
        JobsFixture.await("20 jobs COMPLETED", Duration.ofMinutes(3), () -> owner.entrySet().stream().allMatch(e -> {
            try {
                String state = json(send("GET", base + "/status/" + e.getKey(), token(e.getValue())))
                        .get("state").asText();
                if (state.equals("FAILED") || state.equals("CANCELLED")) {
                    throw new AssertionError("job " + e.getKey() + " " + state);
                }
                return state.equals("COMPLETED");
            } catch (AssertionError x) {
                throw x;
            } catch (Exception x) {
                throw new AssertionError(x);
            }
        }));
        for (String user : users) {
            JsonNode page = json(send("GET", base + "/jobs?page=0&size=50", token(user)));
            assertThat(page.get("total").asLong()).isEqualTo(owner.values().stream().filter(user::equals).count());
            Instant prev = Instant.MAX;
            for (JsonNode j : page.get("jobs")) {
                assertThat(owner.get(j.get("id").asText())).isEqualTo(user);
                Instant created = Instant.parse(j.get("created_at").asText());
                assertThat(created).isBeforeOrEqualTo(prev); // newest first
                prev = created;
            }
        }
        for (Map.Entry<String, String> e : owner.entrySet()) {
            String job = e.getKey();
            Path out = Fixture.download(base, token(e.getValue()), job, tmp.resolve(job + ".mp4"));
            assertThat(JobsFixture.ffprobe(out).duration()).isCloseTo(clipSeconds, org.assertj.core.data.Offset.offset(0.5));
            for (String other : users) {
                if (!other.equals(e.getValue())) {
                    assertError(send("GET", base + "/status/" + job, token(other)), 404);
                    assertError(send("GET", base + "/download/" + job, token(other)), 404);
                    assertError(send("DELETE", base + "/jobs/" + job, token(other)), 404);
                }
            }
        }
        // the one with an email got its notice, the link pointing at the service (--public-url), not at the store
        String mailed = owner.keySet().stream().filter(id -> NOTICES.containsKey(id)).findFirst().orElseThrow();
        assertThat(NOTICES).hasSize(1);
        assertThat(NOTICES.get(mailed)).isEqualTo("https://transcode.example.com/download/" + mailed);
        // that link opened from a mail reader carries no SameSite=Strict cookie: a page reloads it from our origin once
        HttpResponse<String> bounce = Fixture.HTTP.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/download/" + mailed)).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bounce.statusCode()).isEqualTo(200);
        assertThat(bounce.body()).contains("/download/" + mailed + "?again=1");
        assertError(send("GET", base + "/download/" + mailed + "?again=1", null), 401);
        // the owner deletes one: gone from status, history and the store
        Map.Entry<String, String> one = owner.entrySet().iterator().next();
        assertThat(send("DELETE", base + "/jobs/" + one.getKey(), token(one.getValue())).statusCode()).isEqualTo(204);
        assertError(send("GET", base + "/status/" + one.getKey(), token(one.getValue())), 404);
        assertThat(JobsFixture.keys(S3.client(), bucket, "processed/" + one.getValue() + "/" + one.getKey())).isEmpty();
        // metrics: jobs by state, queue, request timers
        String metrics = send("GET", base + "/metrics", null).body();
        assertThat(metrics).contains("stowage_transcode_jobs_state", "stowage_transcode_jobs_queue_waiting",
                "http_server_requests_seconds_count{method=\"POST\",status=\"201\",uri=\"/upload\"}");
        HttpResponse<String> ready = send("GET", base + "/health/ready", null);
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"redis\"", "\"s3\"", "\"ffmpeg\"");
    }

    @Test
    void downloadOfAnUnfinishedJobIs409AndAMalformedIdIs404() throws Exception {
        String t = token("dora");
        assertError(send("GET", base + "/status/not-an-id", t), 404);
        assertError(send("GET", base + "/status/0123456789abcdef01234567", t), 404);
        HttpResponse<String> r = upload(base, t, Fixture.Multipart.of("slow.mp4", "preset", "web-mp4"),
                Files.readAllBytes(JobsFixture.clip(3.0)));
        assertThat(r.statusCode()).isEqualTo(201);
        String job = json(r).get("id").asText();
        HttpResponse<String> d = send("GET", base + "/download/" + job, t);
        if (d.statusCode() != 302) { // unless a worker already finished it
            assertError(d, 409);
        }
    }
}
