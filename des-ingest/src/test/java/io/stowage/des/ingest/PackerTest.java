package io.stowage.des.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.des.DesEntry;
import io.stowage.des.s3.S3DesReader;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One packer in this process: missing and unreadable objects, restart on the same day, roll-over, metrics. */
class PackerTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @RegisterExtension
    static final PgSchemaExtension pg = PgSchemaExtension.of("ingest_packer");

    @TempDir
    Path tmp;

    private PackerOptions options(String archive, SimpleMeterRegistry registry) {
        // the default idleFinalize (5 min): exitWhenIdle (--once) must finalize at once, not wait for it (regression:
        // `des packer --once` sat 5 minutes on its last containers)
        return PackerOptions.defaults(archive).withLockTtl(Duration.ofSeconds(10)).withExitWhenIdle(true)
                .withPollInterval(Duration.ofMillis(50)).withRegistry(registry);
    }

    private static Map<String, String> statuses(String table) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT s3_key, status, error_message FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2) + (rs.getString(3) == null ? "" : ": " + rs.getString(3)));
            }
        }
        return out;
    }

    /** Uploads {@code objects} and lists each in a new source table {@code name}, pending. */
    private static void pendingRows(String name, Map<String, byte[]> objects) throws Exception {
        IngestFixtures.upload(S3.client(), S3.bucket(), objects);
        String table = pg.schema() + "." + name;
        try (Connection c = DriverManager.getConnection(pg.url())) {
            IngestFixtures.createTable(c, table, true, true);
            IngestFixtures.insertRows(c, table, S3.bucket(), new ArrayList<>(objects.keySet()), objects, "pending");
        }
    }

    /** The YAML of source {@code pg-<name>} over table {@code name}: batch {@code batch}, shard bits 2. */
    private Path sourceYaml(String name, int batch) throws Exception {
        return IngestFixtures.writeYaml(tmp, IngestFixtures.source("pg-" + name, "postgres", "127.0.0.1", 5432,
                "test", "postgres", "", pg.schema(), name, batch, 300, 2));
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void missingAndUnreadableObjectsFailWithTheReasonAndTheRestIsPacked() throws Exception {
        String table = pg.schema() + ".miss";
        Map<String, byte[]> objects = IngestFixtures.objects("miss", 60);
        List<String> keys = new ArrayList<>(objects.keySet());
        Map<String, byte[]> present = new HashMap<>(objects);
        present.remove(keys.get(3));
        present.remove(keys.get(17));
        IngestFixtures.upload(S3.client(), S3.bucket(), present);
        String archive = S3.newBucket("arch");
        try (Connection c = DriverManager.getConnection(pg.url())) {
            IngestFixtures.createTable(c, table, true, true);
            IngestFixtures.insertRows(c, table, S3.bucket(), keys, objects, "pending");
            // a row in a bucket that does not exist: unreadable
            IngestFixtures.insertRows(c, table, "no-such-bucket-x", List.of("x/y/lost.bin"), Map.of(), "pending");
        }
        Path yaml = sourceYaml("miss", 25);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PackerReport r;
        try (IngestDatabase db = IngestDatabase.open(pg.url(), 4);
             SourceConnector src = SourceConnector.open(SourceConfig.load(yaml).sources().get(0))) {
            db.migrate();
            try (DesPacker p = DesPacker.create(db, List.of(src), S3.client(), options(archive, registry))) {
                r = p.run();
            }
            Map<String, String> st = statuses(table);
            assertThat(st.get(keys.get(3))).startsWith("failed: object s3://" + S3.bucket() + "/" + keys.get(3)
                    + " does not exist");
            assertThat(st.get(keys.get(17))).startsWith("failed: object s3://");
            assertThat(st.get("x/y/lost.bin")).startsWith("failed: object s3://no-such-bucket-x/x/y/lost.bin");
            assertThat(st.values().stream().filter(v -> v.equals("packed")).count()).isEqualTo(58);
            assertThat(r.rowsFailed()).isEqualTo(3);
            assertThat(r.filesPacked()).isEqualTo(58);
            int entries = 0;
            for (Container c : ContainerCatalog.of(db).list(null, null)) {
                if (!archive.equals(c.bucket())) {
                    continue;       // the other test of this class shares the state schema
                }
                if (c.state() == ContainerState.DISCARDED) {    // a lock lost on a loaded machine: given up, repacked
                    assertThat(io.stowage.s3.S3Objects.create(S3.client()).head(archive, c.s3Key())).isEmpty();
                    continue;
                }
                assertThat(c.state()).isEqualTo(ContainerState.DONE);
                try (S3DesReader rd = S3DesReader.open(S3.client(), archive, c.s3Key())) {
                    entries += rd.list().size();
                    for (DesEntry e : rd.list()) {
                        assertThat(e.meta().get("source_db")).isEqualTo("pg-miss");
                    }
                }
            }
            assertThat(entries).isEqualTo(58);
            double packed = registry.find("des_packer_files_packed_total").counters().stream()
                    .mapToDouble(co -> co.count()).sum();
            assertThat(packed).isEqualTo(58.0);
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void onceCountsTheSourcesOnceWhenIdle() throws Exception {
        // --once used to count the source's statuses twice in its idle round (pending, then pending and claimed
        // again after finalizing): one count decides both (the claimed rows of the open containers are its own)
        pendingRows("idle", IngestFixtures.objects("idle", 12));
        String archive = S3.newBucket("arch-idle");
        Path yaml = sourceYaml("idle", 25);
        try (IngestDatabase db = IngestDatabase.open(pg.url(), 4);
             SourceConnector src = SourceConnector.open(SourceConfig.load(yaml).sources().get(0))) {
            db.migrate();
            PackerReport r;
            try (DesPacker p = DesPacker.create(db, List.of(src), S3.client(), options(archive,
                    new SimpleMeterRegistry()))) {
                r = p.run();
            }
            assertThat(r.filesPacked()).isEqualTo(12);
            assertThat(r.containersDiscarded()).as("no lock lost (else a recount is right)").isZero();
            assertThat(src.statusCounts()).as("source status counts of the idle exit").isEqualTo(1);
            assertThat(src.countByStatus()).containsExactly(Map.entry("packed", 12L));
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void bigBodiesBecomeExternalObjectsUnderTheirOwnContainerAndNamesClashDeterministically() throws Exception {
        Map<String, byte[]> objects = new java.util.LinkedHashMap<>();
        objects.put("a/x/photo.jpg", new byte[300_000]);
        objects.put("b/x/photo.jpg", "small".getBytes());
        objects.put("c/y/small.bin", "tiny".getBytes());
        new java.util.Random(1).nextBytes(objects.get("a/x/photo.jpg"));
        pendingRows("big", objects);
        String archive = S3.newBucket("arch-big");
        // shard_bits 1 and a shard key column that is the same for all: one container
        Path yaml = IngestFixtures.writeYaml(tmp, IngestFixtures.source("pg-big", "postgres", "127.0.0.1", 5432,
                "test", "postgres", "", pg.schema(), "big", 25, 300, 1).replace("      columns:\n",
                "      shard_key_column: status\n      columns:\n"));
        try (IngestDatabase db = IngestDatabase.open(pg.url(), 4);
             SourceConnector src = SourceConnector.open(SourceConfig.load(yaml).sources().get(0))) {
            db.migrate();
            PackerReport r;
            try (DesPacker p = DesPacker.create(db, List.of(src), S3.client(), options(archive,
                    new SimpleMeterRegistry()).withExternalThreshold(100_000))) {
                r = p.run();
            }
            assertThat(r.filesPacked()).isEqualTo(3);
            assertThat(r.nameClashes()).hasSize(1).first().asString().endsWith("photo.jpg -> photo~pg-big-2.jpg");
            List<Container> cs = ContainerCatalog.of(db).list(null, null).stream()
                    .filter(c -> c.state() == ContainerState.DONE && archive.equals(c.bucket())).toList();
            assertThat(cs).hasSize(1);
            Container c = cs.get(0);
            try (S3DesReader rd = S3DesReader.open(S3.client(), archive, c.s3Key())) {
                DesEntry big = rd.entry("photo.jpg");
                assertThat(big.isExternal()).isTrue();
                String ext = c.s3Key().replace(".des", "") + "/_bigFiles/photo.jpg";
                assertThat(big.meta().get("external_key")).isEqualTo(ext);
                java.nio.ByteBuffer b = rd.read("photo.jpg");
                byte[] got = new byte[b.remaining()];
                b.get(got);
                assertThat(got).isEqualTo(objects.get("a/x/photo.jpg"));
                java.nio.ByteBuffer sm = rd.read("photo~pg-big-2.jpg");
                byte[] small = new byte[sm.remaining()];
                sm.get(small);
                assertThat(new String(small)).isEqualTo("small");
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void stopWithAClaimAheadWritesEveryClaimedRowAndLeavesNoClaim() throws Exception {
        // the packer claims the next batch on its claim thread while it writes one: a stop (SIGTERM) in the middle
        // must write and finalize the rows of the claim ahead too (they are claimed and admitted), leaving no row
        // claimed and no claim behind
        pendingRows("stop", IngestFixtures.objects("stop", 200));
        String archive = S3.newBucket("arch-stop");
        Path yaml = sourceYaml("stop", 10);
        java.util.concurrent.atomic.AtomicReference<DesPacker> packer = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger added = new java.util.concurrent.atomic.AtomicInteger();
        PackerListener stopper = new PackerListener() {
            @Override
            public void onEntryAdded(int shard, long containerId, SourceRow row, String entryName) {
                if (added.incrementAndGet() == 15) {
                    packer.get().stop();    // in the second batch: the next claims are ahead by now
                }
            }
        };
        try (IngestDatabase db = IngestDatabase.open(pg.url(), 4);
             SourceConnector src = SourceConnector.open(SourceConfig.load(yaml).sources().get(0))) {
            db.migrate();
            PackerReport r;
            try (DesPacker p = DesPacker.create(db, List.of(src), S3.client(), options(archive,
                    new SimpleMeterRegistry()).withExitWhenIdle(false).withListener(stopper))) {
                packer.set(p);
                r = p.run();
            }
            assertThat(r.interrupted()).isTrue();
            Map<String, Long> counts = src.countByStatus();
            assertThat(counts).doesNotContainKey("claimed");
            assertThat(counts.getOrDefault("packed", 0L)).isEqualTo(r.filesPacked()).isGreaterThanOrEqualTo(15);
            assertThat(counts.getOrDefault("packed", 0L) + counts.getOrDefault("pending", 0L)).isEqualTo(200);
            assertThat(r.filesPacked()).as("every row claimed before the stop is packed: 15 added of batches of 10")
                    .isGreaterThanOrEqualTo(20);
            try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM des_ingest_claims WHERE source_db = 'pg-stop'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("claims left").isZero();
            }
            int entries = 0;
            for (Container c : ContainerCatalog.of(db).list(null, null)) {
                if (!archive.equals(c.bucket()) || c.state() == ContainerState.DISCARDED) {
                    continue;
                }
                assertThat(c.state()).isEqualTo(ContainerState.DONE);
                try (S3DesReader rd = S3DesReader.open(S3.client(), archive, c.s3Key())) {
                    entries += rd.list().size();
                }
            }
            assertThat(entries).isEqualTo(r.filesPacked());
        }
    }
}
