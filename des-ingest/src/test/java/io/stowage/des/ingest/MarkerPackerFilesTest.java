package io.stowage.des.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.des.s3.IndexCache;
import io.stowage.des.s3.RedisIndexCache;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.PgSchemaExtension;
import io.stowage.testing.core.TestRedis;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path: the marker names the catalogue rows, the packer packs the source rows under those names, and
 * {@link DesFileService} serves every file by its DES name through the real {@link NameIndex}, byte-identical, ranges
 * included, from two instances sharing the Redis index cache.
 */
class MarkerPackerFilesTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @RegisterExtension
    static final PgSchemaExtension pg = PgSchemaExtension.of("ingest_files");

    @TempDir
    Path tmp;

    @Test
    void everyMarkedAndPackedFileIsServedByItsDesName() throws Exception {
        String table = pg.schema() + ".src";
        Map<String, byte[]> objects = IngestFixtures.objects("files", 60);
        List<String> keys = new ArrayList<>(objects.keySet());
        IngestFixtures.upload(S3.client(), S3.bucket(), objects);
        String archive = S3.newBucket("arch");
        try (Connection c = DriverManager.getConnection(pg.url())) {
            IngestFixtures.createTable(c, table, true, true);
            IngestFixtures.insertRows(c, table, S3.bucket(), keys, objects, "pending");
        }
        Path yaml = IngestFixtures.writeYaml(tmp, IngestFixtures.source("pg-files", "postgres", "127.0.0.1", 5432,
                "test", "postgres", "", pg.schema(), "src", 25, 300, 2));
        try (IngestDatabase db = IngestDatabase.open(pg.url(), 4)) {
            db.migrate();
            db.jdbi().useHandle(h -> {
                PreparedBatch b = h.prepareBatch("INSERT INTO des_source_catalog (created_at, source_bucket, "
                        + "source_key) VALUES (:t, :b, :k)");
                for (String k : keys) {
                    b.bind("t", db.timestamp(Instant.now().minus(Duration.ofDays(2)))).bind("b", S3.bucket())
                            .bind("k", k).add();
                }
                b.execute();
            });
            try (NodeIdLease lease = NodeIdLease.acquire(db, 21, "marker-21", Duration.ofSeconds(30))) {
                Marker m = Marker.create(db, lease, MarkerOptions.defaults(), new SimpleMeterRegistry(),
                        MarkerListener.none(), Clock.systemUTC());
                assertThat(m.runOnce().marked()).isEqualTo(60);
            }
            Map<String, String> nameOfKey = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT source_key, des_name FROM des_source_catalog").setMapKeyColumn("source_key")
                    .setMapValueColumn("des_name").collectInto(new org.jdbi.v3.core.generic.GenericType<>() {}));
            try (SourceConnector src = SourceConnector.open(SourceConfig.load(yaml).sources().get(0));
                 DesPacker p = DesPacker.create(db, List.of(src), S3.client(), PackerOptions.defaults(archive)
                         .withLockTtl(Duration.ofSeconds(2)).withExitWhenIdle(true)
                         .withPollInterval(Duration.ofMillis(50)).withIdleFinalize(Duration.ofMillis(100))
                         .withRegistry(new SimpleMeterRegistry()))) {
                assertThat(p.run().filesPacked()).isEqualTo(60);
            }
            assertThat(NameIndex.of(db).size()).isEqualTo(60);
            TestRedis.requireReachable();
            try (RedisIndexCache shared = RedisIndexCache.builder(TestRedis.url())
                    .keyPrefix(TestRedis.prefix(MarkerPackerFilesTest.class)).build()) {
                for (int instance = 0; instance < 2; instance++) {
                    NameIndex index = NameIndex.of(db);
                    try (DesFileService files = DesFileService.builder(S3.client(), archive, index::find)
                            .indexCache(IndexCache.layered(IndexCache.caffeine(8 << 20), shared)).build()) {
                        for (String k : keys) {
                            String name = nameOfKey.get(k);
                            byte[] want = objects.get(k);
                            assertThat(name).as(k).isNotNull();
                            try (DesFileService.FileStream f = files.open(name, 0, -1).orElseThrow()) {
                                assertThat(f.body().readAllBytes()).as(name).isEqualTo(want);
                                assertThat(f.info().shardId()).isBetween(0, 3);
                            }
                            try (DesFileService.FileStream f = files.open(name, 100, 50).orElseThrow()) {
                                assertThat(f.body().readAllBytes()).isEqualTo(Arrays.copyOfRange(want, 100, 150));
                            }
                        }
                        assertThat(files.head("DES_20990101_(000000000000_00)")).isEmpty();
                    }
                }
            }
        }
    }
}
