package io.stowage.des.ingest;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.PgSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packer's and recovery's meters as a Prometheus registry exposes them (what {@code --metrics-port} and
 * {@code serve des} scrape): the section-6 names exactly, not with a doubled or missing suffix. The marker's are in
 * MarkerTest, the retriever's in the service tests.
 */
class SectionSixNamesTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    @TempDir
    Path tmp;

    @Test
    void packerAndRecoveryMetersHaveTheDashboardNames() throws Exception {
        try (PgSchema pg = PgSchema.create("ingest_names")) {
            String table = pg.schema() + ".src";
            Map<String, byte[]> objects = IngestFixtures.objects("names", 20);
            List<String> keys = new ArrayList<>(objects.keySet());
            IngestFixtures.upload(S3.client(), S3.bucket(), objects);
            String archive = S3.newBucket("arch");
            try (Connection c = DriverManager.getConnection(pg.url())) {
                IngestFixtures.createTable(c, table, true, true);
                IngestFixtures.insertRows(c, table, S3.bucket(), keys, objects, "pending");
            }
            Path yaml = IngestFixtures.writeYaml(tmp, IngestFixtures.source("pg-names", "postgres", "127.0.0.1", 5432,
                    "test", "postgres", "", pg.schema(), "src", 25, 300, 1));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (IngestDatabase db = IngestDatabase.open(pg.url(), 4);
                 SourceConnector src = SourceConnector.open(SourceConfig.load(yaml).sources().get(0))) {
                db.migrate();
                try (DesPacker p = DesPacker.create(db, List.of(src), S3.client(), PackerOptions.defaults(archive)
                        .withLockTtl(Duration.ofSeconds(2)).withExitWhenIdle(true)
                        .withPollInterval(Duration.ofMillis(50)).withIdleFinalize(Duration.ofMillis(100))
                        .withRegistry(registry))) {
                    assertThat(p.run().filesPacked()).isEqualTo(20);
                }
                CrashRecovery.create(db, List.of(src), S3.client(), RecoveryOptions.defaults(archive)
                        .withRegistry(registry)).run();
            }
            String text = registry.scrape();
            for (String name : List.of("des_packer_files_packed_total{shard_id=", "des_packer_bytes_packed_total{shard_id=",
                    "des_packer_loop_duration_seconds{shard_id=", "des_recovery_stale_claims_total ",
                    "des_recovery_expired_locks_total ", "des_recovery_container_integrity_total{outcome=\"ok\"}")) {
                assertThat(text).as(name).contains(name);
            }
            assertThat(text).doesNotContain("_total_total").doesNotContain("_seconds_seconds");
        }
    }
}
