package io.stowage.service.des;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.des.DesWriter;
import io.stowage.des.ShardHash;
import io.stowage.des.ingest.DesIngestNodeIdHeldException;
import io.stowage.des.ingest.IngestDatabase;
import io.stowage.des.ingest.NodeIdLease;
import io.stowage.des.s3.IndexCache;
import io.stowage.des.s3.RedisIndexCache;
import io.stowage.des.s3.S3DesSink;
import io.stowage.des.s3.S3ExternalStore;
import io.stowage.s3.EmbeddedS3;
import io.stowage.testing.core.PgSchemaExtension;
import io.stowage.testing.core.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code serve des} over HTTP: /assign across instances, /files byte-identical with ranges from two instances, 404,
 * 503 with the store stopped, the health report and the section-6 retriever meters. Containers and the name index
 * are written as an existing deployment has them (des_containers, des_entry_index rows).
 */
class DesServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BUCKET = "des-archives";
    static final String KEY = "2025-01-15/shard_07.des";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @RegisterExtension
    static final PgSchemaExtension pg = PgSchemaExtension.of("serve_des");
    static EmbeddedS3 s3server;
    static S3Client s3;
    static final Map<String, byte[]> FILES = new LinkedHashMap<>();

    @BeforeAll
    static void data(@TempDir Path dir) throws Exception {
        s3server = EmbeddedS3.builder().directory(dir).bucket(BUCKET).start();
        s3 = s3server.newClient();
        Random rnd = new Random(11);
        Map<String, String> entryOf = new LinkedHashMap<>();
        try (DesWriter w = DesWriter.builder(S3DesSink.create(s3, BUCKET, KEY)).externalThreshold(200_000)
                .externalStore(S3ExternalStore.create(s3, BUCKET), "2025-01-15").build()) {
            for (int i = 0; i < 30; i++) {
                byte[] b = new byte[i == 29 ? 300_000 : 1 + rnd.nextInt(6000)];
                rnd.nextBytes(b);
                String entry = "img_" + i + ".jpg";
                String name = String.format("DES_20250115_(%012X_%02X)", 0x5000L + i, i);
                w.add(entry, b, Map.of("source_db", "legacy", "source_file_id", i));
                FILES.put(name, b);
                entryOf.put(name, entry);
            }
            w.finish();
        }
        try (IngestDatabase db = IngestDatabase.open(pg.url())) {
            db.migrate();
            db.execute("INSERT INTO des_containers (id, shard_id, day, status, s3_key, file_count, data_bytes, "
                    + "created_at, finalized_at) VALUES (501, 7, DATE '2025-01-15', 'uploaded', ?, 30, 0, now(), now())",
                    KEY);
            for (Map.Entry<String, String> e : entryOf.entrySet()) {
                db.execute("INSERT INTO des_entry_index (des_name, source_db, source_row_id, container_id, "
                        + "entry_name, created_at) VALUES (?, 'legacy', ?, 501, ?, now())", e.getKey(),
                        e.getValue(), e.getValue());
            }
        }
    }

    @AfterAll
    static void stop() {
        s3.close();
        s3server.close();
    }

    static HttpResponse<byte[]> send(HttpRequest r) throws Exception {
        return HTTP.send(r, HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    static HttpResponse<byte[]> post(String url, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static String detail(HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body()).get("detail").asText();
    }

    static String path(String name) {
        return "/files/" + name.replace("(", "%28").replace(")", "%29");
    }

    @Test
    void tenThousandConcurrentAssignsOnTwoInstancesGiveDistinctNamesAndAThirdWithAHeldNodeIdRefuses()
            throws Exception {
        try (IngestDatabase db1 = IngestDatabase.open(pg.url()); IngestDatabase db2 = IngestDatabase.open(pg.url());
             DesServer a = DesServer.builder(db1, s3, BUCKET).port(0).nodeId(1).start();
             DesServer b = DesServer.builder(db2, s3, BUCKET).port(0).nodeId(2).start()) {
            assertThatThrownBy(() -> DesServer.builder(db1, s3, BUCKET).port(0).nodeId(2).start())
                    .isInstanceOf(DesIngestNodeIdHeldException.class)
                    .hasMessageContaining("node id 2 is held by " + NodeIdLease.defaultHolder());
            Set<String> names = ConcurrentHashMap.newKeySet();
            Semaphore inFlight = new Semaphore(64);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                inFlight.acquire();
                String url = (i % 2 == 0 ? a : b).url() + "/assign";
                String body = i % 3 == 0 ? "{\"prefix\":\"DES\",\"meta_hint\":null}"
                        : "{\"prefix\":\"CAM\",\"meta_hint\":{\"camera\":\"c" + i + "\"}}";
                all.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("Content-Type",
                                        "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofByteArray())
                        .thenAccept(r -> {
                            assertThat(r.statusCode()).isEqualTo(200);
                            try {
                                JsonNode j = JSON.readTree(r.body());
                                String name = j.get("name").asText();
                                assertThat(j.get("shard_id").asLong()).isEqualTo(ShardHash.shardOf(name, 8));
                                assertThat(j.get("day").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
                                names.add(name.substring(3));   // distinct even without the prefix
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        })
                        .whenComplete((v, e) -> inFlight.release()));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            assertThat(names).hasSize(10_000);
        }
    }

    @Test
    void badPrefixesAre400AndBadBodies422WithDetail() throws Exception {
        try (IngestDatabase db = IngestDatabase.open(pg.url());
             DesServer s = DesServer.builder(db, s3, BUCKET).port(0).nodeId(40).start()) {
            HttpResponse<byte[]> r = post(s.url() + "/assign", "{\"prefix\":\"DES-1\"}");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(detail(r)).contains("ASCII letters and digits");
            assertThat(post(s.url() + "/assign", "{\"prefix\":\"\"}").statusCode()).isEqualTo(400);
            assertThat(post(s.url() + "/assign", "{\"prefix\":7}").statusCode()).isEqualTo(422);
            assertThat(post(s.url() + "/assign", "{\"prefix\":\"DES\",\"meta_hint\":[1]}").statusCode())
                    .isEqualTo(422);
            HttpResponse<byte[]> notJson = post(s.url() + "/assign", "{prefix");
            assertThat(notJson.statusCode()).isEqualTo(422);
            assertThat(detail(notJson)).startsWith("body is not JSON");
            HttpResponse<byte[]> ok = post(s.url() + "/assign", "{}");
            assertThat(JSON.readTree(ok.body()).get("name").asText()).startsWith("DES_");
        }
    }

    @Test
    void everyFileIsServedByteIdenticalWithRangesByTwoInstancesAndTheFilesPort() throws Exception {
        TestRedis.requireReachable();
        try (RedisIndexCache shared = RedisIndexCache.builder(TestRedis.url())
                .keyPrefix(TestRedis.prefix(DesServerTest.class)).build();
             IngestDatabase db1 = IngestDatabase.open(pg.url()); IngestDatabase db2 = IngestDatabase.open(pg.url());
             DesServer a = DesServer.builder(db1, s3, BUCKET).port(0).filesPort(0).nodeId(50)
                     .indexCache(IndexCache.layered(IndexCache.caffeine(8 << 20), shared)).start();
             DesServer b = DesServer.builder(db2, s3, BUCKET).port(0).nodeId(51)
                     .indexCache(IndexCache.layered(IndexCache.caffeine(8 << 20), shared)).start()) {
            for (String base : List.of(a.url(), a.filesUrl(), b.url())) {
                for (Map.Entry<String, byte[]> f : FILES.entrySet()) {
                    byte[] want = f.getValue();
                    HttpResponse<byte[]> r = get(base + path(f.getKey()));
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo(want);
                    assertThat(r.headers().firstValue("X-DES-Container")).hasValue(KEY);
                    assertThat(r.headers().firstValue("X-DES-Shard-Id")).hasValue("7");
                    assertThat(r.headers().firstValue("X-DES-Size-Bytes")).hasValue(Integer.toString(want.length));
                    assertThat(r.headers().firstValue("X-DES-Is-External"))
                            .hasValue(Boolean.toString(want.length == 300_000));
                    assertThat(r.headers().firstValue("Content-Length")).hasValue(Integer.toString(want.length));
                    assertThat(r.headers().firstValue("ETag")).isPresent();
                    if (want.length > 20) {
                        HttpResponse<byte[]> part = get(base + path(f.getKey()), "Range", "bytes=10-19");
                        assertThat(part.statusCode()).isEqualTo(206);
                        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(want, 10, 20));
                        assertThat(part.headers().firstValue("Content-Range"))
                                .hasValue("bytes 10-19/" + want.length);
                        HttpResponse<byte[]> tail = get(base + path(f.getKey()), "Range", "bytes=-5");
                        assertThat(tail.statusCode()).isEqualTo(206);
                        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(want, want.length - 5, want.length));
                        HttpResponse<byte[]> open = get(base + path(f.getKey()), "Range", "bytes=7-");
                        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(want, 7, want.length));
                        HttpResponse<byte[]> whole = get(base + path(f.getKey()), "Range", "bytes=0-");
                        assertThat(whole.statusCode()).isEqualTo(206);
                        assertThat(whole.body()).isEqualTo(want);
                        assertThat(whole.headers().firstValue("Content-Range"))
                                .hasValue("bytes 0-" + (want.length - 1) + "/" + want.length);
                        HttpResponse<byte[]> past = get(base + path(f.getKey()), "Range",
                                "bytes=" + want.length + "-");
                        assertThat(past.statusCode()).isEqualTo(416);
                        assertThat(past.headers().firstValue("Content-Range")).hasValue("bytes */" + want.length);
                    }
                    HttpResponse<byte[]> head = send(HttpRequest.newBuilder(URI.create(base + path(f.getKey())))
                            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
                    assertThat(head.statusCode()).isEqualTo(200);
                    assertThat(head.headers().firstValue("X-DES-Exists")).hasValue("true");
                    assertThat(head.headers().firstValue("X-DES-Size-Bytes")).hasValue(Integer.toString(want.length));
                }
                HttpResponse<byte[]> missing = get(base + path("DES_20990101_(000000000000_00)"));
                assertThat(missing.statusCode()).isEqualTo(404);
                assertThat(new String(missing.body())).isEqualTo("{\"detail\":\"File not found\"}");
                HttpResponse<byte[]> headMissing = send(HttpRequest.newBuilder(URI.create(base + path("nope")))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
                assertThat(headMissing.statusCode()).isEqualTo(404);
                assertThat(headMissing.headers().firstValue("X-DES-Exists")).hasValue("false");
            }
            String metrics = new String(get(a.url() + "/metrics").body());
            for (String name : List.of("des_retriever_requests_total{method=\"GET\",status=\"200\"}",
                    "des_retriever_requests_total{method=\"GET\",status=\"404\"}",
                    "des_retriever_requests_total{method=\"HEAD\",status=\"200\"}",
                    "des_retriever_cache_hits_total", "des_retriever_cache_misses_total",
                    "des_retriever_s3_latency_seconds_count", "des_retriever_file_size_bytes_count",
                    "http_server_requests_seconds")) {
                assertThat(metrics).as(name).contains(name);
            }
        }
    }

    @Test
    void requestCountsAreExactPerMethodAndStatusOnBoundedThreads() throws Exception {
        try (IngestDatabase db = IngestDatabase.open(pg.url());
             DesServer s = DesServer.builder(db, s3, BUCKET).port(0).nodeId(65).httpThreads(8).start()) {
            assertThatThrownBy(() -> DesServer.builder(db, s3, BUCKET).httpThreads(4))
                    .isInstanceOf(io.stowage.service.ServiceConfigException.class).hasMessageContaining("at least 8");
            String name = FILES.keySet().iterator().next();
            for (int i = 0; i < 3; i++) {
                assertThat(get(s.url() + path(name)).body()).isEqualTo(FILES.get(name));
            }
            for (int i = 0; i < 2; i++) {
                assertThat(get(s.url() + path("DES_20990101_(000000000000_00)")).statusCode()).isEqualTo(404);
            }
            assertThat(send(HttpRequest.newBuilder(URI.create(s.url() + path(name)))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(200);
            String metrics = new String(get(s.url() + "/metrics").body());
            assertThat(metrics).contains("des_retriever_requests_total{method=\"GET\",status=\"200\"} 3.0")
                    .contains("des_retriever_requests_total{method=\"GET\",status=\"404\"} 2.0")
                    .contains("des_retriever_requests_total{method=\"HEAD\",status=\"200\"} 1.0");
        }
    }

    @Test
    void aStoppedStoreIs503WithAReasonAndUnknownNamesStay404(@TempDir Path dir) throws Exception {
        EmbeddedS3 down = EmbeddedS3.builder().directory(dir).bucket(BUCKET).start();
        try (S3Client client = down.settings().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withSdkMaxAttempts(2).newClient();
             IngestDatabase db = IngestDatabase.open(pg.url());
             DesServer s = DesServer.builder(db, client, BUCKET).port(0).nodeId(60)
                     .probeTimeout(Duration.ofSeconds(3)).start()) {
            down.close();
            String name = FILES.keySet().iterator().next();
            HttpResponse<byte[]> r = get(s.url() + path(name));
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(detail(r)).contains(name).contains(KEY);
            assertThat(get(s.url() + path("DES_20990101_(000000000000_00)")).statusCode()).isEqualTo(404);
            HttpResponse<byte[]> ready = get(s.url() + "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode j = JSON.readTree(ready.body());
            assertThat(j.get("status").asText()).isEqualTo("unhealthy");
            assertThat(j.at("/checks/s3/status").asText()).isEqualTo("unhealthy");
            assertThat(j.at("/checks/database/status").asText()).isEqualTo("healthy");
        }
    }

    @Test
    void healthAnswersAsTheExistingService() throws Exception {
        try (IngestDatabase db = IngestDatabase.open(pg.url());
             DesServer s = DesServer.builder(db, s3, BUCKET).port(0).nodeId(70).start()) {
            assertThat(new String(get(s.url() + "/health").body())).isEqualTo("{\"status\":\"ok\"}");
            JsonNode live = JSON.readTree(get(s.url() + "/health/live").body());
            assertThat(live.get("status").asText()).isEqualTo("ok");
            assertThat(live.has("uptime")).isTrue();
            HttpResponse<byte[]> ready = get(s.url() + "/health/ready");
            JsonNode j = JSON.readTree(ready.body());
            assertThat(ready.statusCode()).as(j.toString()).isEqualTo(200);
            assertThat(j.get("status").asText()).isEqualTo("healthy");
            for (String check : List.of("database", "s3", "shard_locks", "source_providers")) {
                assertThat(j.at("/checks/" + check + "/status").asText()).as(check).isEqualTo("healthy");
                assertThat(j.at("/checks/" + check).has("latency_ms")).isTrue();
            }
            assertThat(j.at("/checks/shard_locks").has("held")).isTrue();
            assertThat(j.at("/checks/shard_locks").has("expired")).isTrue();
            assertThat(j.at("/checks/source_providers").has("enabled")).isTrue();
            assertThat(j.has("uptime_seconds")).isTrue();
            assertThat(j.get("last_processed").asText()).isNotEmpty();
            assertThat(j.has("timestamp")).isTrue();
            // an expired shard lock waiting for recovery: degraded, not ready
            db.execute("INSERT INTO des_shard_locks (shard_id, holder_id, acquired_at, heartbeat_at, expires_at, "
                    + "state) VALUES (99, 'dead-1', now(), now(), now() - interval '1 minute', 'held')");
            try {
                HttpResponse<byte[]> degraded = get(s.url() + "/health/ready");
                assertThat(degraded.statusCode()).isEqualTo(503);
                assertThat(JSON.readTree(degraded.body()).get("status").asText()).isEqualTo("degraded");
            } finally {
                db.execute("DELETE FROM des_shard_locks WHERE shard_id = 99");
            }
        }
    }
}
