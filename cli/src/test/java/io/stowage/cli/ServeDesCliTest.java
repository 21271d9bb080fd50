package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.des.ingest.IngestDatabase;
import io.stowage.des.ingest.NodeIdLease;
import io.stowage.s3.EmbeddedS3;
import io.stowage.testing.core.PgSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** stowage serve des, in-process: serves /assign; a node id held by a live process is refused naming it. */
class ServeDesCliTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void servesAssignAndRefusesAHeldNodeId() throws Exception {
        try (PgSchema pg = PgSchema.create("serve_des_cli");
             EmbeddedS3 s3 = EmbeddedS3.builder().directory(tmp).bucket("des-archives").start()) {
            try (IngestDatabase db = IngestDatabase.open(pg.url());
                 NodeIdLease held = acquire(db, 9)) {
                CliRun refused = CliRun.of("serve", "des", "--state", pg.url(), "--endpoint",
                        s3.endpoint().toString(), "--node-id", "9", "--port", "0", "--json");
                assertThat(refused.exitCode()).isEqualTo(1);
                JsonNode e = JSON.readTree(refused.out()).get("error");
                assertThat(e.get("type").asText()).isEqualTo("DesIngestNodeIdHeldException");
                assertThat(e.get("message").asText()).contains("other-host-1");
            }
            int port = freePort();
            Thread server = new Thread(() -> CliRun.of("serve", "des", "--state", pg.url(), "--endpoint",
                    s3.endpoint().toString(), "--node-id", "10", "--port", Integer.toString(port)),
                    "serve-des-under-test");
            server.setDaemon(true);   // stops with the test JVM (its shutdown hook frees the node id)
            server.start();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> r = null;
            for (int i = 0; i < 300 && r == null; i++) {
                try {
                    r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/assign"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"prefix\":\"CAM\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (java.net.ConnectException notYet) {
                    Thread.sleep(100);
                }
            }
            assertThat(r).as("serve des answered").isNotNull();
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode j = JSON.readTree(r.body());
            assertThat(j.get("name").asText()).startsWith("CAM_");
            assertThat(j.at("/name").asText().substring(22, 24)).as("node id byte").isEqualTo("0A");
        }
    }

    private static NodeIdLease acquire(IngestDatabase db, int node) {
        db.migrate();
        return NodeIdLease.acquire(db, node, "other-host-1", Duration.ofSeconds(30));
    }
}
