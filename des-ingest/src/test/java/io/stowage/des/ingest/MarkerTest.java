package io.stowage.des.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stowage.des.ShardHash;
import io.stowage.testing.core.PgSchemaExtension;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MarkerTest {
    @RegisterExtension
    final PgSchemaExtension pg = PgSchemaExtension.of("marker");
    private IngestDatabase db;
    @TempDir
    Path dir;

    @BeforeEach
    void schema() {
        db = IngestDatabase.open(pg.url());
        db.migrate();
    }

    @AfterEach
    void drop() {
        db.close();
    }

    static MarkerOptions fast() {
        return MarkerOptions.defaults().withRetryBackoffUnit(Duration.ofMillis(1)).withInterval(Duration.ZERO);
    }

    static void insert(IngestDatabase db, String keyPrefix, int n, Instant createdAt) {
        db.jdbi().useHandle(h -> {
            PreparedBatch b = h.prepareBatch("INSERT INTO des_source_catalog (created_at, source_bucket, source_key) "
                    + "VALUES (:t, 'src', :k)");
            for (int i = 0; i < n; i++) {
                b.bind("t", db.timestamp(createdAt)).bind("k", keyPrefix + i + ".jpg").add();
            }
            b.execute();
        });
    }

    record Row(long id, String key, String name, String hash, Integer shard, String status, int retries, String error) {}

    static List<Row> rows(IngestDatabase db) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT id, source_key, des_name, des_hash, des_shard, "
                        + "des_status, COALESCE(retry_count, 0) AS rc, last_error FROM des_source_catalog ORDER BY id")
                .map((rs, ctx) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        (Integer) rs.getObject(5), rs.getString(6), rs.getInt(7), rs.getString(8)))
                .list());
    }

    static int count(IngestDatabase db, String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    static String text(IngestDatabase db, String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
    }

    static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** runOnce until nothing is claimable (backoffs included), bounded. */
    static void drain(Marker m, IngestDatabase db) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            MarkerBatchReport r = m.runOnce();
            if (r.claimed() == 0) {
                int open = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM des_source_catalog "
                        + "WHERE des_status IS NULL OR des_status IN ('retry', 'pending')").mapTo(Integer.class).one());
                if (open == 0) {
                    return;
                }
                Thread.sleep(5);   // rows waiting for their backoff
            }
        }
        throw new AssertionError("marker did not finish in 500 batches");
    }

    private static void marksOldRows(IngestDatabase db) throws Exception {
        Instant old = Instant.now().minus(Duration.ofDays(2));
        insert(db, "photos/a", 5, old);
        insert(db, "fresh/b", 1, Instant.now());
        db.execute("INSERT INTO des_source_catalog (created_at, des_name, source_bucket, source_key) VALUES (?, ?, "
                + "'src', 'named/c.jpg')", db.timestamp(old), "DES_20250115_(0123456789AB_CD)");
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (NodeIdLease lease = NodeIdLease.acquire(db, 17, "test-17", Duration.ofSeconds(30))) {
            Marker m = Marker.create(db, lease, fast(), reg, MarkerListener.none(), Clock.systemUTC());
            MarkerBatchReport r = m.runOnce();
            assertThat(r.claimed()).isEqualTo(6);
            assertThat(r.marked()).isEqualTo(6);
            assertThat(m.runOnce().claimed()).isZero();
        }
        for (Row row : rows(db)) {
            if (row.key().startsWith("fresh/")) {
                assertThat(row.status()).as("younger than DES_MARKER_MAX_AGE_DAYS").isNull();
                assertThat(row.name()).isNull();
                continue;
            }
            assertThat(row.status()).isEqualTo("marked");
            assertThat(row.hash()).isEqualTo(sha256Hex(row.name()));
            assertThat(row.shard()).isEqualTo((int) ShardHash.shardOf(row.name(), 8))
                    .isEqualTo(Integer.parseInt(row.hash().substring(0, 2), 16));
            if (row.key().startsWith("named/")) {
                assertThat(row.name()).isEqualTo("DES_20250115_(0123456789AB_CD)");
                assertThat(row.shard()).isEqualTo(2);   // the section 4 vector
            } else {
                assertThat(row.name()).matches("DES_\\d{8}_\\([0-9A-F]{12}_[0-9A-F]{2}\\)");
                assertThat(row.name().substring(22, 24)).as("node id byte").isEqualTo("11");
            }
        }
        assertThat(reg.get(MarkerMetrics.MARKED).tag("status", "marked").counter().count()).isEqualTo(6);
        assertThat(reg.get(MarkerMetrics.BATCH_SIZE).gauge().value()).isZero();   // the last batch was empty
    }

    @Test
    void marksOldRowsWithNameHashAndShardOnPostgres() throws Exception {
        marksOldRows(db);
    }

    @Test
    void marksOldRowsWithNameHashAndShardOnSqlite() throws Exception {
        try (IngestDatabase lite = IngestDatabase.open(dir.resolve("state.db").toString())) {
            lite.migrate();
            marksOldRows(lite);
        }
    }

    @Test
    void twoMarkersAtOnceNeverGiveTheSameNameNorClaimARowTwice() throws Exception {
        int n = 4000;
        insert(db, "k/", n, Instant.now().minus(Duration.ofDays(3)));
        MarkerOptions o = fast().withBatchSize(50);
        ExecutorService ex = Executors.newFixedThreadPool(2);
        try (IngestDatabase db2 = IngestDatabase.open(pg.url());
             Marker a = Marker.start(db, o.withNodeId(1), new SimpleMeterRegistry(), MarkerListener.none());
             Marker b = Marker.start(db2, o.withNodeId(2), new SimpleMeterRegistry(), MarkerListener.none())) {
            assertThatThrownBy(() -> Marker.start(db, o.withNodeId(1), new SimpleMeterRegistry(),
                    MarkerListener.none())).isInstanceOf(DesIngestNodeIdHeldException.class);
            List<Future<Integer>> fs = List.of(ex.submit(() -> loop(a)), ex.submit(() -> loop(b)));
            int total = fs.get(0).get() + fs.get(1).get();
            assertThat(total).as("rows marked by both, each exactly once").isEqualTo(n);
        } finally {
            ex.shutdown();
        }
        List<Row> rows = rows(db);
        Set<String> names = new HashSet<>();
        for (Row r : rows) {
            assertThat(r.status()).isEqualTo("marked");
            names.add(r.name());
        }
        assertThat(names).hasSize(n);
        long byNode1 = rows.stream().filter(r -> r.name().substring(22, 24).equals("01")).count();
        long byNode2 = rows.stream().filter(r -> r.name().substring(22, 24).equals("02")).count();
        assertThat(byNode1 + byNode2).isEqualTo(n);
    }

    private static int loop(Marker m) {
        int marked = 0;
        while (true) {
            MarkerBatchReport r = m.runOnce();
            if (r.claimed() == 0) {
                return marked;
            }
            marked += r.marked();
        }
    }

    private void installFaults() {
        db.jdbi().useHandle(h -> {
            h.execute("CREATE FUNCTION des_test_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF NEW.des_status = 'marked' AND NEW.source_key LIKE 'flaky/%' AND COALESCE(OLD.retry_count, 0) < 2 "
                    + "THEN RAISE EXCEPTION 'could not serialize access (test fault)' USING ERRCODE = '40001'; END IF; "
                    + "IF NEW.des_status = 'marked' AND NEW.source_key LIKE 'poison/%' "
                    + "THEN RAISE EXCEPTION 'bad source key (test fault)' USING ERRCODE = '22023'; END IF; "
                    + "RETURN NEW; END $$");
            h.execute("CREATE TRIGGER des_test_fault BEFORE UPDATE ON des_source_catalog FOR EACH ROW "
                    + "EXECUTE FUNCTION des_test_fault()");
        });
    }

    @Test
    void transientErrorsRetryWithBackoffAndOthersGoToTheDlq() throws Exception {
        installFaults();
        Instant old = Instant.now().minus(Duration.ofDays(2));
        insert(db, "ok/", 5, old);
        insert(db, "flaky/", 2, old);
        insert(db, "poison/", 1, old);
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (NodeIdLease lease = NodeIdLease.acquire(db, 3, "t", Duration.ofSeconds(30))) {
            drain(Marker.create(db, lease, fast(), reg, MarkerListener.none(), Clock.systemUTC()), db);
        }
        for (Row r : rows(db)) {
            if (r.key().startsWith("poison/")) {
                assertThat(r.status()).isEqualTo("failed");
                assertThat(r.error()).contains("bad source key");
                assertThat(r.name()).isNull();
            } else {
                assertThat(r.status()).isEqualTo("marked");
                assertThat(r.retries()).isEqualTo(r.key().startsWith("flaky/") ? 2 : 0);
                assertThat(r.error()).isNull();
            }
        }
        List<Map<String, Object>> dlq = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT d.catalog_entry_id, d.error_message, d.resolved, c.source_key FROM des_marker_dlq d "
                        + "JOIN des_source_catalog c ON c.id = d.catalog_entry_id").mapToMap().list());
        assertThat(dlq).hasSize(1);
        assertThat(dlq.get(0).get("source_key")).isEqualTo("poison/0.jpg");
        assertThat((String) dlq.get(0).get("error_message")).contains("bad source key");
        assertThat(dlq.get(0).get("resolved")).isEqualTo(false);
        assertThat(reg.get(MarkerMetrics.MARKED).tag("status", "marked").counter().count()).isEqualTo(7);
        assertThat(reg.get(MarkerMetrics.MARKED).tag("status", "retry").counter().count()).isEqualTo(4);
        assertThat(reg.get(MarkerMetrics.MARKED).tag("status", "failed").counter().count()).isEqualTo(1);
        assertThat(reg.get(MarkerMetrics.RETRIES).tag("attempt", "1").counter().count()).isEqualTo(2);
        assertThat(reg.get(MarkerMetrics.RETRIES).tag("attempt", "2").counter().count()).isEqualTo(2);
        assertThat(reg.get(MarkerMetrics.ERRORS).tag("error_type", "transient").counter().count()).isEqualTo(4);
        assertThat(reg.get(MarkerMetrics.ERRORS).tag("error_type", "permanent").counter().count()).isEqualTo(1);
        assertThat(reg.get(MarkerMetrics.DLQ).counter().count()).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM des_marker_retry_after")).isEqualTo(0);
    }

    @Test
    void retriesUsedUpGoToTheDlqAndARowInBackoffIsNotClaimed() throws Exception {
        installFaults();
        insert(db, "flaky/", 1, Instant.now().minus(Duration.ofDays(2)));
        try (NodeIdLease lease = NodeIdLease.acquire(db, 4, "t", Duration.ofSeconds(30))) {
            // a long backoff: after the first failure the row waits and the next batch claims nothing
            Marker slow = Marker.create(db, lease, fast().withRetryBackoffUnit(Duration.ofHours(1)),
                    new SimpleMeterRegistry(), MarkerListener.none(), Clock.systemUTC());
            assertThat(slow.runOnce().retried()).isEqualTo(1);
            assertThat(slow.runOnce().claimed()).isZero();
            db.execute("DELETE FROM des_marker_retry_after");   // its backoff is over
            Marker m = Marker.create(db, lease, fast().withMaxRetries(1), new SimpleMeterRegistry(),
                    MarkerListener.none(), Clock.systemUTC());
            drain(m, db);
        }
        Row r = rows(db).get(0);
        assertThat(r.status()).isEqualTo("failed");
        assertThat(r.retries()).isEqualTo(2);
        assertThat(r.error()).contains("gave up after 2 transient failures").contains("could not serialize");
        assertThat(count(db, "SELECT COUNT(*) FROM des_marker_dlq")).isEqualTo(1);
    }

    @Test
    void withoutTheDlqAFailedRowIsOnlyMarkedFailed() throws Exception {
        installFaults();
        insert(db, "poison/", 1, Instant.now().minus(Duration.ofDays(2)));
        try (NodeIdLease lease = NodeIdLease.acquire(db, 5, "t", Duration.ofSeconds(30))) {
            drain(Marker.create(db, lease, fast().withEnableDlq(false), new SimpleMeterRegistry(),
                    MarkerListener.none(), Clock.systemUTC()), db);
        }
        assertThat(rows(db).get(0).status()).isEqualTo("failed");
        assertThat(count(db, "SELECT COUNT(*) FROM des_marker_dlq")).isZero();
    }

    @Test
    void aCustomDlqTableIsCreatedAndUsed() throws Exception {
        installFaults();
        insert(db, "poison/", 2, Instant.now().minus(Duration.ofDays(2)));
        try (NodeIdLease lease = NodeIdLease.acquire(db, 6, "t", Duration.ofSeconds(30))) {
            drain(Marker.create(db, lease, fast().withDlqTable("my_dlq"), new SimpleMeterRegistry(),
                    MarkerListener.none(), Clock.systemUTC()), db);
        }
        assertThat(count(db, "SELECT COUNT(*) FROM my_dlq")).isEqualTo(2);
    }

    @Test
    void sqlitePermanentErrorsGoToTheDlq() throws Exception {
        try (IngestDatabase lite = IngestDatabase.open(dir.resolve("dlq.db").toString())) {
            lite.migrate();
            lite.execute("CREATE TRIGGER des_test_fault BEFORE UPDATE ON des_source_catalog FOR EACH ROW "
                    + "WHEN NEW.des_status = 'marked' AND NEW.source_key LIKE 'poison/%' "
                    + "BEGIN SELECT RAISE(ABORT, 'bad source key (test fault)'); END");
            Instant old = Instant.now().minus(Duration.ofDays(2));
            insert(lite, "ok/", 3, old);
            insert(lite, "poison/", 1, old);
            try (NodeIdLease lease = NodeIdLease.acquire(lite, 1, "t", Duration.ofSeconds(30))) {
                drain(Marker.create(lite, lease, fast(), new SimpleMeterRegistry(), MarkerListener.none(),
                        Clock.systemUTC()), lite);
            }
            assertThat(rows(lite)).extracting(Row::status).containsExactly("marked", "marked", "marked", "failed");
            assertThat(text(lite, "SELECT error_message FROM des_marker_dlq")).contains("bad source key");
        }
    }

    @Test
    void aLostLeaseRollsTheBatchBackAndStopsTheMarker() {
        insert(db, "k/", 10, Instant.now().minus(Duration.ofDays(2)));
        try (NodeIdLease lease = NodeIdLease.acquire(db, 8, "stalled-1", Duration.ofSeconds(30))) {
            Marker m = Marker.create(db, lease, fast(), new SimpleMeterRegistry(), MarkerListener.none(),
                    Clock.systemUTC());
            db.execute("UPDATE des_node_leases SET expires_at = ? WHERE node_id = 8",
                    db.timestamp(Instant.now().minusSeconds(1)));
            try (NodeIdLease other = NodeIdLease.acquire(db, 8, "other-2", Duration.ofSeconds(30))) {
                assertThat(lease.renewNow()).isFalse();
                assertThatThrownBy(m::runOnce).isInstanceOf(DesIngestNodeIdLostException.class)
                        .hasMessageContaining("node id 8");
                assertThat(other.isLost()).isFalse();
            }
        }
        assertThat(rows(db)).allSatisfy(r -> assertThat(r.name()).isNull());
    }

    @Test
    void runStopsWhenAskedAndReportsTotals() throws Exception {
        insert(db, "k/", 120, Instant.now().minus(Duration.ofDays(2)));
        try (Marker m = Marker.start(db, fast().withBatchSize(50).withNodeId(9)
                .withInterval(Duration.ofMillis(20)), new SimpleMeterRegistry(), new MarkerListener() {
                    int seen;

                    @Override
                    public void onBatch(MarkerBatchReport r) {
                        seen += r.marked();
                    }
                })) {
            Thread stopper = new Thread(() -> {
                while (true) {
                    int open = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM des_source_catalog "
                            + "WHERE des_status IS NULL").mapTo(Integer.class).one());
                    if (open == 0) {
                        m.stop();
                        return;
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            stopper.start();
            MarkerReport r = m.run();
            stopper.join();
            assertThat(r.marked()).isEqualTo(120);
            assertThat(r.batches()).isGreaterThanOrEqualTo(3);
        }
        // the lease was freed by close
        int leases = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM des_node_leases")
                .mapTo(Integer.class).one());
        assertThat(leases).isZero();
    }

    @Test
    void prometheusShowsTheSectionSixNames() throws Exception {
        insert(db, "k/", 3, Instant.now().minus(Duration.ofDays(2)));
        PrometheusMeterRegistry reg = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (NodeIdLease lease = NodeIdLease.acquire(db, 10, "t", Duration.ofSeconds(30))) {
            drain(Marker.create(db, lease, fast().withRateLimit(1000), reg, MarkerListener.none(),
                    Clock.systemUTC()), db);
        }
        String text = reg.scrape();
        for (String name : List.of("des_marker_entries_marked_total{status=\"marked\"} 3.0",
                "des_marker_errors_total{error_type=\"transient\"}", "des_marker_dlq_entries_total",
                "des_marker_batch_size ", "des_marker_rate_limit_ops_per_sec 1000.0",
                "des_marker_batch_duration_seconds_bucket", "des_marker_batch_duration_seconds_count")) {
            assertThat(text).as(name).contains(name);
        }
        // des_marker_retries_total{attempt} appears with the first retry
        reg.counter(MarkerMetrics.RETRIES, "attempt", "1");
        assertThat(reg.scrape()).contains("des_marker_retries_total{attempt=\"1\"}");
    }
}
