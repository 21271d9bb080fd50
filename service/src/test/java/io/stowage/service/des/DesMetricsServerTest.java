package io.stowage.service.des;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stowage.des.ingest.IngestDatabase;
import io.stowage.des.ingest.Marker;
import io.stowage.des.ingest.MarkerListener;
import io.stowage.des.ingest.MarkerOptions;
import io.stowage.service.ServiceServer;
import io.stowage.testing.core.PgSchema;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The marker's --metrics-port: every section-6 marker name scraped from /metrics, and its health. */
class DesMetricsServerTest {
    @Test
    void aMarkersMetricsAndHealthAreServed() throws Exception {
        try (PgSchema pg = PgSchema.create("marker_metrics"); IngestDatabase db = IngestDatabase.open(pg.url())) {
            db.migrate();
            for (int i = 0; i < 5; i++) {
                db.execute("INSERT INTO des_source_catalog (created_at, source_bucket, source_key) VALUES (?, 'b', ?)",
                        db.timestamp(Instant.now().minus(Duration.ofDays(2))), "k/" + i);
            }
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (Marker m = Marker.start(db, MarkerOptions.defaults().withNodeId(77).withRateLimit(500), registry,
                    MarkerListener.none());
                 ServiceServer s = DesMetricsServer.start("127.0.0.1", 0, registry, db)) {
                assertThat(m.runOnce().marked()).isEqualTo(5);
                HttpClient http = HttpClient.newHttpClient();
                String metrics = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (String name : List.of("des_marker_entries_marked_total{status=\"marked\"} 5.0",
                        "des_marker_entries_marked_total{status=\"retry\"}",
                        "des_marker_entries_marked_total{status=\"failed\"}",
                        "des_marker_errors_total{error_type=\"transient\"}",
                        "des_marker_errors_total{error_type=\"permanent\"}", "des_marker_dlq_entries_total",
                        "des_marker_batch_size 5.0", "des_marker_rate_limit_ops_per_sec 500.0",
                        "des_marker_batch_duration_seconds_bucket", "jvm_memory_used_bytes")) {
                    assertThat(metrics).as(name).contains(name);
                }
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/health/ready"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).isEqualTo(200);
                assertThat(new ObjectMapper().readTree(ready.body()).at("/checks/database/status").asText())
                        .isEqualTo("healthy");
                // nothing uploaded in this database yet: the key is there, null
                assertThat(new ObjectMapper().readTree(ready.body()).has("last_processed")).isTrue();
                assertThat(new ObjectMapper().readTree(ready.body()).get("last_processed").isNull()).isTrue();
            }
        }
    }
}
