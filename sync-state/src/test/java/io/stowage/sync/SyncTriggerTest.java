package io.stowage.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.stowage.testing.EmbeddedS3Extension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.stowage.sync.SyncFixtures.files;
import static org.assertj.core.api.Assertions.assertThat;

/** The session-end trigger against a real HTTP server on 127.0.0.1 (the JDK's). */
class SyncTriggerTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    @TempDir
    Path tmp;
    HttpServer server;
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    /** Status answered to each call in turn; the last one repeats. */
    volatile int[] answers = {200};
    volatile long delayMs;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            int n = calls.getAndIncrement();
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (delayMs > 0) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int[] a = answers;
            int status = a[Math.min(n, a.length - 1)];
            byte[] body = ("answer " + status).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI hook() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    private SyncReport upload(SyncLedger ledger, String url, Path dir, SyncConfig extra) {
        SyncConfig c = extra.withProject("photos", url).withSource(dir).withTarget(S3.bucket(), "t").withWorkers(2);
        return SyncUploader.builder(ledger, S3.client()).build().upload(c);
    }

    /** Issue 17: receivers written for the existing uploader read bucket_name and s3_prefix. */
    @Test
    void triggerBodyCarriesBucketNameAndS3PrefixBesideTodaysFields() throws Exception {
        Path dir = files(tmp.resolve("src"), 2);
        String url = tmp.resolve("names.db").toString();
        try (SyncLedger ledger = SyncLedger.open(url)) {
            SyncReport r = upload(ledger, url, dir, SyncConfig.defaults()
                    .withTrigger(hook(), Duration.ofSeconds(5), 3));
            assertThat(r.trigger().delivered()).isTrue();
            JsonNode json = new ObjectMapper().readTree(bodies.get(0));
            assertThat(json.get("bucket_name").asText()).isEqualTo(S3.bucket());
            assertThat(json.get("s3_prefix").asText()).isEqualTo("t/");
            assertThat(json.get("bucket").asText()).isEqualTo(S3.bucket());
            assertThat(json.get("prefix").asText()).isEqualTo("t/");
            assertThat(json.get("total_files").asLong()).isEqualTo(2);
            assertThat(json.get("files_uploaded").asLong()).isEqualTo(2);
        }
    }

    @Test
    void sessionEndPostsTheSummaryAndRecordsTheOutcome() throws Exception {
        Path dir = files(tmp.resolve("src"), 5);
        String url = tmp.resolve("t.db").toString();
        try (SyncLedger ledger = SyncLedger.open(url)) {
            SyncReport r = upload(ledger, url, dir, SyncConfig.defaults()
                    .withTrigger(hook(), Duration.ofSeconds(5), 3));
            assertThat(r.trigger()).isNotNull();
            assertThat(r.trigger().delivered()).isTrue();
            assertThat(calls.get()).isEqualTo(1);
            JsonNode json = new ObjectMapper().readTree(bodies.get(0));
            assertThat(json.get("session_id").asLong()).isEqualTo(r.sessionId());
            assertThat(json.get("bucket").asText()).isEqualTo(S3.bucket());
            assertThat(json.get("prefix").asText()).isEqualTo("t/");
            assertThat(json.get("total_files").asLong()).isEqualTo(5);
            assertThat(json.get("files_uploaded").asLong()).isEqualTo(5);
            assertThat(json.get("files_failed").asLong()).isZero();
            assertThat(json.get("bytes").asLong()).isPositive();
            assertThat(json.get("status").asText()).isEqualTo("completed");
            assertThat(json.get("started_at").asText()).endsWith("Z");
            assertThat(json.get("ended_at").asText()).endsWith("Z");
            TriggerReport stored = ledger.session(r.sessionId()).trigger();
            assertThat(stored.status()).isEqualTo(TriggerReport.Status.DELIVERED);
            assertThat(stored.attempts()).isEqualTo(1);
            assertThat(stored.httpStatus()).isEqualTo(200);
            assertThat(stored.url()).isEqualTo(hook().toString());
        }
    }

    @Test
    void serverErrorsAreRetriedUntilDelivered() {
        answers = new int[] {500, 503, 204};
        Path dir = files(tmp.resolve("src"), 2);
        String url = tmp.resolve("t.db").toString();
        try (SyncLedger ledger = SyncLedger.open(url)) {
            SyncReport r = upload(ledger, url, dir, SyncConfig.defaults());
            assertThat(r.trigger()).isNull();
            TriggerReport o = ledger.trigger(r.sessionId(), SyncTrigger.create(hook(), Duration.ofSeconds(5), 5)
                    .withFirstPause(Duration.ofMillis(10)));
            assertThat(o.delivered()).isTrue();
            assertThat(o.attempts()).isEqualTo(3);
            assertThat(calls.get()).isEqualTo(3);
            assertThat(ledger.session(r.sessionId()).trigger()).isEqualTo(o);
        }
    }

    @Test
    void aReceiverThatNeverAnswersInTimeIsRecordedAsFailed() {
        delayMs = 2_000;
        Path dir = files(tmp.resolve("src"), 1);
        String url = tmp.resolve("t.db").toString();
        try (SyncLedger ledger = SyncLedger.open(url)) {
            SyncReport r = upload(ledger, url, dir, SyncConfig.defaults());
            TriggerReport o = ledger.trigger(r.sessionId(), SyncTrigger.create(hook(), Duration.ofMillis(200), 2)
                    .withFirstPause(Duration.ofMillis(10)));
            assertThat(o.delivered()).isFalse();
            assertThat(o.attempts()).isEqualTo(2);
            assertThat(o.httpStatus()).isNull();
            assertThat(o.error()).contains("no answer within 200 ms");
            TriggerReport stored = ledger.session(r.sessionId()).trigger();
            assertThat(stored.status()).isEqualTo(TriggerReport.Status.FAILED);
            assertThat(stored.error()).isEqualTo(o.error());
        }
    }

    @Test
    void aClientErrorIsNotRetried() {
        answers = new int[] {400};
        Path dir = files(tmp.resolve("src"), 1);
        String url = tmp.resolve("t.db").toString();
        try (SyncLedger ledger = SyncLedger.open(url)) {
            SyncReport r = upload(ledger, url, dir, SyncConfig.defaults());
            TriggerReport o = ledger.trigger(r.sessionId(), hook(), Duration.ofSeconds(2), 4);
            assertThat(o.delivered()).isFalse();
            assertThat(o.attempts()).isEqualTo(1);
            assertThat(o.httpStatus()).isEqualTo(400);
            assertThat(o.error()).isEqualTo("HTTP 400: answer 400");
        }
    }

    @Test
    void anUnreachableReceiverIsRecordedAsFailed() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = files(tmp.resolve("src"), 1);
        String url = tmp.resolve("t.db").toString();
        try (SyncLedger ledger = SyncLedger.open(url)) {
            SyncReport r = upload(ledger, url, dir, SyncConfig.defaults());
            TriggerReport o = ledger.trigger(r.sessionId(), SyncTrigger.create(URI.create("http://127.0.0.1:" + port
                    + "/x"), Duration.ofSeconds(1), 2).withFirstPause(Duration.ofMillis(10)));
            assertThat(o.delivered()).isFalse();
            assertThat(o.error()).startsWith("cannot reach http://127.0.0.1:" + port);
        }
    }
}
