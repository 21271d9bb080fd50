package io.stowage.des.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.PgSchemaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CrashRecovery} never deletes an object it did not create: objects of others under the archive bucket and the
 * dest prefix (a shared {@code _bigFiles/} folder, other days, keys next to and inside a dead container's prefix, an
 * uncatalogued container key, another's incomplete multipart upload) survive recovery (dry run and real, twice) and
 * a packer run, while the external object the dead container itself wrote is deleted and its rows are released.
 */
class RecoveryForeignObjectsTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @RegisterExtension
    final PgSchemaExtension pg = PgSchemaExtension.of("ingest_foreign");

    @TempDir
    Path tmp;

    private static byte[] get(String bucket, String key) {
        return S3.client().getObject(GetObjectRequest.builder().bucket(bucket).key(key).build(),
                ResponseTransformer.toBytes()).asByteArray();
    }

    private static void put(String bucket, String key, byte[] body) {
        S3.client().putObject(PutObjectRequest.builder().bucket(bucket).key(key).build(), RequestBody.fromBytes(body));
    }

    private static List<String> uploadsOf(String bucket) {
        return S3.client().listMultipartUploads(ListMultipartUploadsRequest.builder().bucket(bucket).build())
                .uploads().stream().map(MultipartUpload::key).toList();
    }

    @Test
    void recoveryDeletesOnlyWhatTheDeadContainerWrote() throws Exception {
        String archive = S3.newBucket("foreign-arch");
        String table = pg.schema() + ".files";
        Map<String, byte[]> objects = IngestFixtures.objects("foreign", 20);
        IngestFixtures.upload(S3.client(), S3.bucket(), objects);
        List<String> keys = new ArrayList<>(objects.keySet());
        List<Long> ids;
        try (Connection c = DriverManager.getConnection(pg.url())) {
            IngestFixtures.createTable(c, table, true, true);
            ids = IngestFixtures.insertRows(c, table, S3.bucket(), keys, objects, "pending");
            try (Statement s = c.createStatement()) {
                s.execute("UPDATE " + table + " SET status = 'claimed', claimed_by = 'dead-1', claimed_at = now() "
                        + "- interval '1 hour' WHERE id <= " + ids.get(4));
            }
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String prefix = "pfx";
        Path yaml = IngestFixtures.writeYaml(tmp, IngestFixtures.source("pg-foreign", "postgres", "127.0.0.1", 5432,
                "test", "postgres", "", pg.schema(), "files", 25, 300, 2));
        try (IngestDatabase db = IngestDatabase.open(pg.url(), 4);
             SourceConnector src = SourceConnector.open(SourceConfig.load(yaml).sources().get(0))) {
            db.migrate();
            ContainerCatalog cat = ContainerCatalog.of(db);
            // a packer that died while writing: its container, its claims, one external object it wrote
            Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
            Container dead = cat.reserve(1, today, archive, prefix, "dead-1", hourAgo, 1);
            for (int i = 0; i <= 4; i++) {
                db.execute("INSERT INTO des_ingest_claims (source_db, source_row_id, holder_id, shard_id, claimed_at, "
                        + "container_id, entry_name, des_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "pg-foreign",
                        String.valueOf(ids.get(i)), "dead-1", 1, db.timestamp(hourAgo), dead.id(), "e" + i, null);
            }
            String ours = dead.externalPrefix() + "/_bigFiles/" + "written-by-the-dead-packer.bin";
            put(archive, ours, new byte[] {1, 2, 3});

            String base = prefix + "/" + today + "/";
            Map<String, byte[]> foreign = new LinkedHashMap<>();
            for (String k : List.of("_bigFiles/x", prefix + "/_bigFiles/x", "2026-01-01/other.bin",
                    prefix + "/2026-01-01/other.bin", base + "_bigFiles/x", base + "shard_01.des.bak",
                    base + "shard_01/other.bin", base + "shard_01_p2/_bigFiles/y", base + "shard_01x/_bigFiles/z",
                    ContainerCatalog.key(prefix, today, 2, 1), "unrelated/shard_01.des")) {
                byte[] body = ("foreign " + k).getBytes(StandardCharsets.UTF_8);
                foreign.put(k, body);
                put(archive, k, body);
            }
            String foreignUpload = prefix + "/2026-01-01/in-progress.bin";
            S3.client().createMultipartUpload(CreateMultipartUploadRequest.builder().bucket(archive)
                    .key(foreignUpload).build());

            RecoveryOptions ro = RecoveryOptions.defaults(archive).withHolder("recover-1")
                    .withRegistry(new SimpleMeterRegistry());
            RecoveryReport dry = CrashRecovery.create(db, List.of(src), S3.client(), ro.withDryRun(true)).run();
            assertThat(dry.containersDiscarded()).isEqualTo(1);
            assertThat(get(archive, ours)).as("a dry run deletes nothing").containsExactly(1, 2, 3);

            RecoveryReport r = CrashRecovery.create(db, List.of(src), S3.client(), ro).run();
            assertThat(r.containersDiscarded()).isEqualTo(1);
            CrashRecovery.create(db, List.of(src), S3.client(), ro).run();
            assertThat(cat.get(dead.id()).orElseThrow().state()).isEqualTo(ContainerState.DISCARDED);
            assertThat(S3.client().listObjectsV2(b -> b.bucket(archive).prefix(dead.externalPrefix() + "/_bigFiles/"))
                    .contents()).as("the dead container's own external object is deleted").isEmpty();
            assertThat(src.countByStatus()).containsEntry("pending", 20L);
            assertForeignSurvive(archive, foreign, objects, foreignUpload);

            // a packer over the same bucket and prefix (shard 2's first key is taken: it writes part 2), then
            // recovery again
            PackerOptions o = PackerOptions.defaults(archive).withDestPrefix(prefix)
                    .withLockTtl(Duration.ofSeconds(10)).withExitWhenIdle(true)
                    .withPollInterval(Duration.ofMillis(50)).withIdleFinalize(Duration.ofMillis(100))
                    .withRegistry(new SimpleMeterRegistry());
            try (DesPacker p = DesPacker.create(db, List.of(src), S3.client(), o)) {
                assertThat(p.run().filesPacked()).isEqualTo(20);
            }
            CrashRecovery.create(db, List.of(src), S3.client(), ro).run();
            assertThat(src.countByStatus()).containsExactly(Map.entry("packed", 20L));
            assertForeignSurvive(archive, foreign, objects, foreignUpload);
        }
    }

    private static void assertForeignSurvive(String archive, Map<String, byte[]> foreign, Map<String, byte[]> sources,
                                             String foreignUpload) {
        foreign.forEach((k, body) -> assertThat(get(archive, k)).as("foreign object %s", k).isEqualTo(body));
        sources.forEach((k, body) -> assertThat(get(S3.bucket(), k)).as("source object %s", k).isEqualTo(body));
        assertThat(uploadsOf(archive)).as("another's multipart upload").contains(foreignUpload);
    }
}
