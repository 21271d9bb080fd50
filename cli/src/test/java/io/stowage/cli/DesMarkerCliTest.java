package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.des.ingest.IngestDatabase;
import io.stowage.des.ingest.NodeIdLease;
import io.stowage.testing.core.PgSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** stowage des marker, in-process, on SQLite and PostgreSQL. */
class DesMarkerCliTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static void rows(String url, int n) {
        try (IngestDatabase db = IngestDatabase.open(url)) {
            db.migrate();
            for (int i = 0; i < n; i++) {
                db.execute("INSERT INTO des_source_catalog (created_at, source_bucket, source_key) VALUES (?, 'b', ?)",
                        db.timestamp(Instant.now().minusSeconds(60)), "k/" + i);
            }
        }
    }

    private static int named(String url) {
        try (IngestDatabase db = IngestDatabase.open(url)) {
            return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(DISTINCT des_name) FROM des_source_catalog "
                    + "WHERE des_status = 'marked'").mapTo(Integer.class).one());
        }
    }

    @Test
    void marksEveryClaimableRowOnceAndReportsJson() throws Exception {
        String url = tmp.resolve("state.db").toString();
        rows(url, 25);
        CliRun r = CliRun.of("des", "marker", "--state", url, "--once", "--max-age-days", "0", "--node-id", "5",
                "--batch-size", "10", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("marked").asInt()).isEqualTo(25);
        assertThat(j.get("node_id").asInt()).isEqualTo(5);
        assertThat(j.has("elapsed_s")).isTrue();
        assertThat(named(url)).isEqualTo(25);
        // rows younger than the default max age (1 day) are left alone
        rows(url, 3);
        CliRun again = CliRun.of("des", "marker", "--state", url, "--once");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("marked 0");
    }

    @Test
    void theMetricsPortIsOpenedWhileTheMarkerRuns() {
        String url = tmp.resolve("m.db").toString();
        rows(url, 2);
        CliRun r = CliRun.of("des", "marker", "--state", url, "--once", "--max-age-days", "0", "--metrics-port", "0",
                "--metrics-host", "127.0.0.1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).containsPattern("metrics: http://127\\.0\\.0\\.1:\\d+/metrics");
        assertThat(r.out()).contains("marked 2");
    }

    @Test
    void aNodeIdHeldByALiveProcessIsRefusedNamingTheHolder() throws Exception {
        try (PgSchema pg = PgSchema.create("markercli")) {
            rows(pg.url(), 1);
            try (IngestDatabase db = IngestDatabase.open(pg.url());
                 NodeIdLease held = NodeIdLease.acquire(db, 7, "other-host-4242", Duration.ofSeconds(30))) {
                CliRun r = CliRun.of("des", "marker", "--state", pg.url(), "--node-id", "7", "--once", "--json");
                assertThat(r.exitCode()).isEqualTo(1);
                JsonNode e = JSON.readTree(r.out()).get("error");
                assertThat(e.get("type").asText()).isEqualTo("DesIngestNodeIdHeldException");
                assertThat(e.get("message").asText()).contains("other-host-4242");
                assertThat(held.isLost()).isFalse();
            }
        }
    }

    @Test
    void badSettingsAreUsageErrors() {
        String url = tmp.resolve("s.db").toString();
        CliRun r = CliRun.of("des", "marker", "--state", url, "--batch-size", "0", "--once");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("batch size 0");
        CliRun bad = CliRun.of("des", "marker", "--state", "jdbc:mysql://x/y", "--once", "--json");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.out()).contains("DesIngestDatabaseException");
    }
}
