package io.stowage.des.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.des.DesEntry;
import io.stowage.des.DesWriter;
import io.stowage.des.s3.S3DesReader;
import io.stowage.des.s3.S3DesSink;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.PgSchemaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An existing deployment (section 1 DDL, rows in the old states, containers uploaded under the old keys) is picked up
 * as it is: old claims are returned after the timeout, the rows of the old uploaded archive are marked packed from
 * its META (never packed again), a dead {@code writing} container is marked failed, the tables keep their columns;
 * a restart on the same day writes part 2.
 */
class LegacyDeploymentTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @RegisterExtension
    final PgSchemaExtension pg = PgSchemaExtension.of("ingest_legacy");

    @TempDir
    Path tmp;

    private static final String[] SECTION_1_DDL = {
        "CREATE TABLE des_shard_locks (shard_id INTEGER PRIMARY KEY, holder_id VARCHAR(128) NOT NULL, acquired_at "
                + "TIMESTAMPTZ NOT NULL, heartbeat_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL, state "
                + "VARCHAR(32) NOT NULL)",
        "CREATE TABLE des_containers (id SERIAL PRIMARY KEY, shard_id INTEGER NOT NULL, day DATE NOT NULL, status "
                + "VARCHAR(32) NOT NULL, s3_key VARCHAR(512) NOT NULL, file_count INTEGER NOT NULL DEFAULT 0, "
                + "data_bytes BIGINT NOT NULL DEFAULT 0, created_at TIMESTAMPTZ NOT NULL, finalized_at TIMESTAMPTZ)",
        "CREATE TABLE des_source_catalog (id SERIAL PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL, des_name "
                + "VARCHAR(255), des_hash VARCHAR(64), des_shard INTEGER, des_status VARCHAR(32), retry_count INTEGER "
                + "DEFAULT 0, last_error TEXT, source_bucket VARCHAR(255), source_key VARCHAR(1024))"
    };

    private static List<String> columns(Connection c, String schema, String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT column_name || ' ' || data_type "
                + "FROM information_schema.columns WHERE table_schema = '" + schema + "' AND table_name = '" + table
                + "' ORDER BY ordinal_position")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void anExistingDeploymentIsPickedUpAsItIsAndARestartOnTheSameDayWritesPart2() throws Exception {
        String archive = S3.newBucket("des-archives");
        Map<String, byte[]> objects = IngestFixtures.objects("legacy", 60);
        IngestFixtures.upload(S3.client(), S3.bucket(), objects);
        List<String> keys = new ArrayList<>(objects.keySet());
        String table = pg.schema() + ".files";
        List<Long> ids;
        List<String> lockCols;
        List<String> containerCols;
        long legacyUploaded;
        long legacyWriting;
        try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
            for (String ddl : SECTION_1_DDL) {
                s.execute(ddl);
            }
            lockCols = columns(c, pg.schema(), "des_shard_locks");
            containerCols = columns(c, pg.schema(), "des_containers");
            IngestFixtures.createTable(c, table, true, true);
            ids = IngestFixtures.insertRows(c, table, S3.bucket(), keys, objects, "pending");
            // rows 0..9: claimed by the old packer an hour ago and packed into its uploaded archive (never marked)
            // rows 10..29: claimed by the old packer an hour ago, not packed (it died)
            s.execute("UPDATE " + table + " SET status = 'claimed', claimed_by = 'oldhost-99', claimed_at = now() - "
                    + "interval '1 hour' WHERE id <= " + ids.get(29));
            s.execute("INSERT INTO des_shard_locks VALUES (3, 'oldhost-99', now() - interval '2 hour', now() - "
                    + "interval '1 hour', now() - interval '1 hour', 'held')");
            try (ResultSet rs = s.executeQuery("INSERT INTO des_containers (shard_id, day, status, s3_key, file_count, "
                    + "data_bytes, created_at, finalized_at) VALUES (3, '2025-01-15', 'uploaded', "
                    + "'2025-01-15/shard_03.des', 10, 0, now(), now()) RETURNING id")) {
                rs.next();
                legacyUploaded = rs.getLong(1);
            }
            try (ResultSet rs = s.executeQuery("INSERT INTO des_containers (shard_id, day, status, s3_key, created_at)"
                    + " VALUES (1, '" + LocalDate.now(ZoneOffset.UTC) + "', 'writing', '" + LocalDate.now(ZoneOffset.UTC)
                    + "/shard_01.des', now() - interval '1 hour') RETURNING id")) {
                rs.next();
                legacyWriting = rs.getLong(1);
            }
        }
        // the old system's archive: reference META, no Stowage checksums
        try (DesWriter w = DesWriter.builder(S3DesSink.create(S3.client(), archive, "2025-01-15/shard_03.des"))
                .checksums(false).build()) {
            for (int i = 0; i < 10; i++) {
                String k = keys.get(i);
                Map<String, Object> meta = new LinkedHashMap<>();
                meta.put("source_db", "legacy-src");
                meta.put("source_file_id", ids.get(i));
                meta.put("original_s3_bucket", S3.bucket());
                meta.put("original_s3_key", k);
                meta.put("created_at", "2025-01-15T10:00:00Z");
                w.add(k.substring(k.lastIndexOf('/') + 1), objects.get(k), meta);
            }
            w.finish();
        }
        Path yaml = IngestFixtures.writeYaml(tmp, IngestFixtures.source("legacy-src", "postgres", "127.0.0.1", 5432,
                "test", "postgres", "", pg.schema(), "files", 20, 300, 2));
        PackerOptions o = PackerOptions.defaults(archive).withLockTtl(Duration.ofSeconds(10)).withExitWhenIdle(true)
                .withPollInterval(Duration.ofMillis(50)).withIdleFinalize(Duration.ofMillis(100))
                .withRegistry(new SimpleMeterRegistry());
        try (IngestDatabase db = IngestDatabase.open(pg.url(), 4);
             SourceConnector src = SourceConnector.open(SourceConfig.load(yaml).sources().get(0))) {
            db.migrate();
            try (DesPacker p = DesPacker.create(db, List.of(src), S3.client(), o)) {
                p.run();
            }
            Map<Long, Long> containerOf = new HashMap<>();
            try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT id, status, des_container_id FROM " + table)) {
                    while (rs.next()) {
                        assertThat(rs.getString(2)).as("row %s", rs.getLong(1)).isEqualTo("packed");
                        containerOf.put(rs.getLong(1), rs.getLong(3));
                    }
                }
                assertThat(columns(c, pg.schema(), "des_shard_locks")).isEqualTo(lockCols);
                assertThat(columns(c, pg.schema(), "des_containers")).isEqualTo(containerCols);
            }
            for (int i = 0; i < 10; i++) {
                assertThat(containerOf.get(ids.get(i))).as("row in the old archive keeps it").isEqualTo(legacyUploaded);
            }
            ContainerCatalog cat = ContainerCatalog.of(db);
            assertThat(cat.get(legacyUploaded).orElseThrow().status()).isEqualTo("uploaded");
            assertThat(cat.get(legacyUploaded).orElseThrow().s3Key()).isEqualTo("2025-01-15/shard_03.des");
            assertThat(cat.get(legacyWriting).orElseThrow().status()).isEqualTo("failed");
            Map<String, Long> rowIn = new HashMap<>();
            for (Container c : cat.list(null, null)) {
                if (!"uploaded".equals(c.status())) {
                    continue;
                }
                try (S3DesReader r = S3DesReader.open(S3.client(), archive, c.s3Key())) {
                    for (DesEntry e : r.list()) {
                        String row = String.valueOf(e.meta().get("source_file_id"));
                        assertThat(rowIn.put(row, c.id())).as("row %s in two containers", row).isNull();
                    }
                }
            }
            assertThat(rowIn).hasSize(60);
            List<String> firstKeys = cat.list(LocalDate.now(ZoneOffset.UTC), null).stream()
                    .filter(c -> c.state() == ContainerState.DONE).map(Container::s3Key).toList();
            assertThat(firstKeys).allMatch(k -> k.matches("\\d{4}-\\d{2}-\\d{2}/shard_0\\d(_p2)?\\.des"))
                    .as("shard 1 skips the dead old container's key")
                    .doesNotContain(LocalDate.now(ZoneOffset.UTC) + "/shard_01.des");

            // restart on the same day: new rows go to part 2 (part 3 for shard 1)
            Map<String, byte[]> more = IngestFixtures.objects("legacy-more", 40);
            IngestFixtures.upload(S3.client(), S3.bucket(), more);
            try (Connection c = DriverManager.getConnection(pg.url())) {
                IngestFixtures.insertRows(c, table, S3.bucket(), new ArrayList<>(more.keySet()), more, "pending");
            }
            try (DesPacker p = DesPacker.create(db, List.of(src), S3.client(), o)) {
                PackerReport r = p.run();
                assertThat(r.filesPacked()).isEqualTo(40);
            }
            assertThat(src.countByStatus()).containsExactly(Map.entry("packed", 100L));
            List<Container> today = cat.list(LocalDate.now(ZoneOffset.UTC), null);
            assertThat(today.stream().map(Container::s3Key).filter(k -> k.contains("_p2") || k.contains("_p3")))
                    .isNotEmpty();
            assertThat(today.stream().map(Container::s3Key).distinct().count()).isEqualTo(today.size());
            for (Container c : today) {
                if (c.state() == ContainerState.DONE) {
                    try (S3DesReader r = S3DesReader.open(S3.client(), archive, c.s3Key())) {
                        assertThat(r.list()).hasSize(c.fileCount());
                    }
                }
            }
        }
    }
}
