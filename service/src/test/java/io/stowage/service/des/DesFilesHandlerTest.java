package io.stowage.service.des;

import io.stowage.des.DesWriter;
import io.stowage.des.ingest.IngestDatabase;
import io.stowage.des.s3.S3DesSink;
import io.stowage.s3.EmbeddedS3;
import io.stowage.testing.core.PgSchemaExtension;
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
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DesFilesHandler}, the Jetty handler ahead of Javalin that serves {@code GET|HEAD /files/{name}}: the Range
 * forms, 416, empty files, HEAD of unknown names, names decoded as Javalin decoded them, other paths and methods left
 * to Javalin, bodies above 64 KiB streamed, 503 with the store stopped, and exact meters on both ports.
 */
class DesFilesHandlerTest {
    static final String BUCKET = "des-files";
    static final String KEY = "2025-01-15/shard_03.des";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String SMALL = "DES_20250115_(000000000001_03)";
    static final String LARGE = "DES_20250115_(000000000002_03)";
    static final String EMPTY = "DES+EMPTY";
    static final byte[] SMALL_BYTES = new byte[5000];
    static final byte[] LARGE_BYTES = new byte[150_000];
    @RegisterExtension
    static final PgSchemaExtension pg = PgSchemaExtension.of("des_files_handler");
    static EmbeddedS3 s3server;
    static S3Client s3;

    @BeforeAll
    static void data(@TempDir Path dir) throws Exception {
        s3server = EmbeddedS3.builder().directory(dir).bucket(BUCKET).start();
        s3 = s3server.newClient();
        Random rnd = new Random(5);
        rnd.nextBytes(SMALL_BYTES);
        rnd.nextBytes(LARGE_BYTES);
        try (DesWriter w = DesWriter.builder(S3DesSink.create(s3, BUCKET, KEY)).build()) {
            w.add("small.bin", SMALL_BYTES, Map.of());
            w.add("large.bin", LARGE_BYTES, Map.of());
            w.add("empty.bin", new byte[0], Map.of());
            w.finish();
        }
        try (IngestDatabase db = IngestDatabase.open(pg.url())) {
            db.migrate();
            db.execute("INSERT INTO des_containers (id, shard_id, day, status, s3_key, file_count, data_bytes, "
                    + "created_at, finalized_at) VALUES (7, 3, DATE '2025-01-15', 'uploaded', ?, 3, 0, now(), now())",
                    KEY);
            for (String[] e : new String[][] {{SMALL, "small.bin"}, {LARGE, "large.bin"}, {EMPTY, "empty.bin"}}) {
                db.execute("INSERT INTO des_entry_index (des_name, source_db, source_row_id, container_id, "
                        + "entry_name, created_at) VALUES (?, 'legacy', ?, 7, ?, now())", e[0], e[1], e[1]);
            }
        }
    }

    @AfterAll
    static void stop() {
        s3.close();
        s3server.close();
    }

    static HttpResponse<byte[]> send(String method, String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method,
                HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String path(String name) {
        return "/files/" + name.replace("(", "%28").replace(")", "%29");
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void namesAreTheOnesJavalinsRouteMatchedDecodedAsJavalinDecodedThem() {
        assertThat(DesFilesHandler.name("/files/DES_1")).isEqualTo("DES_1");
        assertThat(DesFilesHandler.name("/files/DES_1/")).isEqualTo("DES_1");
        assertThat(DesFilesHandler.name("/files/DES_%281%29")).isEqualTo("DES_(1)");
        assertThat(DesFilesHandler.name("/files/a+b")).isEqualTo("a+b");
        assertThat(DesFilesHandler.name("/files/a%2Bb")).isEqualTo("a+b");
        assertThat(DesFilesHandler.name("/files/a%20b")).isEqualTo("a b");
        for (String other : new String[] {"/files/", "/files", "/files//", "/files/a/b", "/files/a//", "/Files/a",
                "/filesa", "/x/files/a", "/files/%zz", null}) {
            assertThat(DesFilesHandler.name(other)).as(other).isNull();
        }
    }

    @Test
    void rangeFormsAnswerAsTheJavalinRouteDid() throws Exception {
        try (IngestDatabase db = IngestDatabase.open(pg.url());
             DesServer s = DesServer.builder(db, s3, BUCKET).port(0).nodeId(81).start()) {
            String url = s.url() + path(SMALL);
            HttpResponse<byte[]> whole = send("GET", url);
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.body()).isEqualTo(SMALL_BYTES);
            assertThat(header(whole, "Content-Type")).isEqualTo("application/octet-stream");
            assertThat(header(whole, "Content-Length")).isEqualTo("5000");
            assertThat(header(whole, "X-DES-Container")).isEqualTo(KEY);
            assertThat(header(whole, "X-DES-Shard-Id")).isEqualTo("3");
            assertThat(header(whole, "X-DES-Size-Bytes")).isEqualTo("5000");
            assertThat(header(whole, "X-DES-Is-External")).isEqualTo("false");
            assertThat(header(whole, "Accept-Ranges")).isEqualTo("bytes");
            assertThat(header(whole, "ETag")).startsWith("\"").endsWith("\"");
            assertThat(header(whole, "Content-Range")).isNull();
            // ignored: an inverted range, another unit, several ranges, a bare "bytes=-"
            for (String ignored : new String[] {"bytes=9-2", "items=1-2", "bytes=0-0,5-6", "bytes=-"}) {
                HttpResponse<byte[]> r = send("GET", url, "Range", ignored);
                assertThat(r.statusCode()).as(ignored).isEqualTo(200);
                assertThat(r.body()).as(ignored).isEqualTo(SMALL_BYTES);
            }
            HttpResponse<byte[]> one = send("GET", url, "Range", "bytes=0-0");
            assertThat(one.statusCode()).isEqualTo(206);
            assertThat(one.body()).containsExactly(SMALL_BYTES[0]);
            assertThat(header(one, "Content-Range")).isEqualTo("bytes 0-0/5000");
            HttpResponse<byte[]> past = send("GET", url, "Range", "bytes=4990-9999");   // clipped to the end
            assertThat(past.statusCode()).isEqualTo(206);
            assertThat(past.body()).isEqualTo(Arrays.copyOfRange(SMALL_BYTES, 4990, 5000));
            assertThat(header(past, "Content-Range")).isEqualTo("bytes 4990-4999/5000");
            HttpResponse<byte[]> longTail = send("GET", url, "Range", "bytes=-99999");   // more than the file
            assertThat(longTail.statusCode()).isEqualTo(206);
            assertThat(longTail.body()).isEqualTo(SMALL_BYTES);
            assertThat(header(longTail, "Content-Range")).isEqualTo("bytes 0-4999/5000");
            HttpResponse<byte[]> spaced = send("GET", url, "Range", " bytes=1-2 ");
            assertThat(spaced.statusCode()).isEqualTo(206);
            assertThat(spaced.body()).isEqualTo(Arrays.copyOfRange(SMALL_BYTES, 1, 3));
            for (String bad : new String[] {"bytes=5000-", "bytes=-0"}) {
                HttpResponse<byte[]> r = send("GET", url, "Range", bad);
                assertThat(r.statusCode()).as(bad).isEqualTo(416);
                assertThat(header(r, "Content-Range")).isEqualTo("bytes */5000");
                assertThat(header(r, "Content-Type")).isEqualTo("application/json");
                assertThat(new String(r.body()))
                        .isEqualTo("{\"detail\":\"Range Not Satisfiable: the file has 5000 bytes\"}");
            }
            // an empty file: whole 200 with no body, any range 416 "bytes */0"
            String empty = s.url() + "/files/" + EMPTY;
            HttpResponse<byte[]> e = send("GET", empty);
            assertThat(e.statusCode()).isEqualTo(200);
            assertThat(e.body()).isEmpty();
            assertThat(header(e, "Content-Length")).isEqualTo("0");
            for (String range : new String[] {"bytes=0-", "bytes=-3"}) {
                HttpResponse<byte[]> r = send("GET", empty, "Range", range);
                assertThat(r.statusCode()).as(range).isEqualTo(416);
                assertThat(header(r, "Content-Range")).isEqualTo("bytes */0");
            }
            // '+' is the name's own character; %2B is the same name
            assertThat(send("GET", s.url() + "/files/DES%2BEMPTY").statusCode()).isEqualTo(200);
            assertThat(send("GET", s.url() + "/files/DES%20EMPTY").statusCode()).isEqualTo(404);
            // one trailing slash is the same route, as in Javalin
            assertThat(send("GET", url + "/").body()).isEqualTo(SMALL_BYTES);
            HttpResponse<byte[]> unknownTail = send("GET", s.url() + path("DES_20990101_(000000000000_00)"),
                    "Range", "bytes=-5");
            assertThat(unknownTail.statusCode()).isEqualTo(404);
            assertThat(new String(unknownTail.body())).isEqualTo("{\"detail\":\"File not found\"}");
        }
    }

    @Test
    void headAndLargeBodiesAndOtherRequestsLeftToJavalin() throws Exception {
        try (IngestDatabase db = IngestDatabase.open(pg.url());
             DesServer s = DesServer.builder(db, s3, BUCKET).port(0).filesPort(0).nodeId(82).start()) {
            for (String base : new String[] {s.url(), s.filesUrl()}) {
                HttpResponse<byte[]> head = send("HEAD", base + path(LARGE), "Range", "bytes=1-2");
                assertThat(head.statusCode()).isEqualTo(200);
                assertThat(head.body()).isEmpty();
                assertThat(header(head, "X-DES-Exists")).isEqualTo("true");
                assertThat(header(head, "Content-Length")).isEqualTo("150000");
                assertThat(header(head, "Content-Type")).isEqualTo("application/octet-stream");
                assertThat(header(head, "X-DES-Size-Bytes")).isEqualTo("150000");
                HttpResponse<byte[]> unknown = send("HEAD", base + "/files/nope");
                assertThat(unknown.statusCode()).isEqualTo(404);
                assertThat(header(unknown, "X-DES-Exists")).isEqualTo("false");
                assertThat(header(unknown, "Content-Type")).isEqualTo("application/json");
                assertThat(header(unknown, "X-DES-Container")).isNull();
                HttpResponse<byte[]> large = send("GET", base + path(LARGE));   // streamed in 64 KiB pieces
                assertThat(large.statusCode()).isEqualTo(200);
                assertThat(large.body()).isEqualTo(LARGE_BYTES);
                assertThat(header(large, "Content-Length")).isEqualTo("150000");
                HttpResponse<byte[]> part = send("GET", base + path(LARGE), "Range", "bytes=1000-70999");
                assertThat(part.statusCode()).isEqualTo(206);
                assertThat(part.body()).isEqualTo(Arrays.copyOfRange(LARGE_BYTES, 1000, 71000));
                assertThat(header(part, "Content-Range")).isEqualTo("bytes 1000-70999/150000");
                // not the route: Javalin's answers, as before
                for (String[] other : new String[][] {{"POST", path(SMALL)}, {"DELETE", path(SMALL)},
                        {"GET", "/files/a/b"}, {"GET", "/files/"}}) {
                    HttpResponse<byte[]> r = send(other[0], base + other[1]);
                    assertThat(r.statusCode()).as(other[0] + " " + other[1]).isEqualTo(404);
                    assertThat(new String(r.body())).startsWith("{\"detail\":\"no endpoint " + other[0] + " ");
                }
            }
            assertThat(send("POST", s.filesUrl() + "/assign").statusCode()).isEqualTo(404);
            assertThat(send("POST", s.url() + "/assign").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void metersCountEveryAnswerOnBothPortsAsServiceServerDid() throws Exception {
        try (IngestDatabase db = IngestDatabase.open(pg.url());
             DesServer s = DesServer.builder(db, s3, BUCKET).port(0).filesPort(0).nodeId(83).start()) {
            send("GET", s.url() + path(SMALL));
            send("GET", s.filesUrl() + path(SMALL));
            send("GET", s.filesUrl() + path(SMALL), "Range", "bytes=0-9");
            send("GET", s.url() + path(SMALL), "Range", "bytes=5000-");
            send("GET", s.url() + "/files/nope");
            send("HEAD", s.filesUrl() + path(SMALL));
            send("HEAD", s.url() + "/files/nope");
            send("GET", s.url() + "/files/a/b");
            String m = new String(send("GET", s.url() + "/metrics").body());
            assertThat(m).contains("des_retriever_requests_total{method=\"GET\",status=\"200\"} 2.0")
                    .contains("des_retriever_requests_total{method=\"GET\",status=\"206\"} 1.0")
                    .contains("des_retriever_requests_total{method=\"GET\",status=\"416\"} 1.0")
                    .contains("des_retriever_requests_total{method=\"GET\",status=\"404\"} 1.0")
                    .contains("des_retriever_requests_total{method=\"HEAD\",status=\"200\"} 1.0")
                    .contains("des_retriever_requests_total{method=\"HEAD\",status=\"404\"} 1.0")
                    .contains("http_server_requests_seconds_count{method=\"GET\",status=\"200\",uri=\"/files/{name}\"} 2")
                    .contains("http_server_requests_seconds_count{method=\"GET\",status=\"206\",uri=\"/files/{name}\"} 1")
                    .contains("http_server_requests_seconds_count{method=\"GET\",status=\"416\",uri=\"/files/{name}\"} 1")
                    .contains("http_server_requests_seconds_count{method=\"GET\",status=\"404\",uri=\"/files/{name}\"} 1")
                    .contains("http_server_requests_seconds_count{method=\"HEAD\",status=\"404\",uri=\"/files/{name}\"} 1")
                    .contains("http_server_requests_seconds_count{method=\"GET\",status=\"404\",uri=\"UNMATCHED\"} 1");
        }
    }

    @Test
    void aStoppedStoreIs503ForGetAndHeadAndCounted(@TempDir Path dir) throws Exception {
        EmbeddedS3 down = EmbeddedS3.builder().directory(dir).bucket(BUCKET).start();
        try (S3Client client = down.settings().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withSdkMaxAttempts(2).newClient();
             IngestDatabase db = IngestDatabase.open(pg.url());
             DesServer s = DesServer.builder(db, client, BUCKET).port(0).nodeId(84).start()) {
            down.close();
            for (String method : new String[] {"GET", "HEAD"}) {
                HttpResponse<byte[]> r = send(method, s.url() + path(SMALL));
                assertThat(r.statusCode()).as(method).isEqualTo(503);
                assertThat(header(r, "Content-Type")).isEqualTo("application/json");
                if (method.equals("GET")) {
                    assertThat(new String(r.body())).startsWith("{\"detail\":\"" + SMALL + ": ").contains(KEY);
                }
            }
            String m = new String(send("GET", s.url() + "/metrics").body());
            assertThat(m).contains("des_retriever_requests_total{method=\"GET\",status=\"503\"} 1.0")
                    .contains("des_retriever_requests_total{method=\"HEAD\",status=\"503\"} 1.0")
                    .contains("http_server_requests_seconds_count{method=\"GET\",status=\"503\",uri=\"/files/{name}\"} 1");
        }
    }
}
