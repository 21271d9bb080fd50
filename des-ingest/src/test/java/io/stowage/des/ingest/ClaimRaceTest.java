package io.stowage.des.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.des.SnowflakeNames;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.PgSchemaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Step 1 of the protocol when someone else takes rows between the page read and the claim: the source claim skips
 * rows no longer pending and rows locked by another transaction (without waiting for it), and the packer withdraws
 * the ledger claims of the rows the source refused and gives their places in the containers back.
 */
class ClaimRaceTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @RegisterExtension
    static final PgSchemaExtension pg = PgSchemaExtension.of("ingest_race");

    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void postgresSkipsRowsTakenOrLockedSinceTheyWereRead() throws Exception {
        try (Connection other = DriverManager.getConnection(pg.url())) {
            String table = IngestFixtures.uniq("race");
            IngestFixtures.createTable(other, pg.schema() + "." + table, true, true);
            skipsRowsTakenOrLocked(other, pg.schema() + "." + table, IngestFixtures.source("pg-race", "postgres",
                    "127.0.0.1", 5432, "test", "postgres", "", pg.schema(), table, 100, 300, 1));
        }
    }

    @Test
    @Timeout(60)
    void mariadbSkipsRowsTakenOrLockedSinceTheyWereRead() throws Exception {
        try (Connection other = IngestFixtures.maria()) {
            String table = IngestFixtures.uniq("race");
            IngestFixtures.createTable(other, table, false, true);
            try {
                skipsRowsTakenOrLocked(other, table, IngestFixtures.source("maria-race", "mariadb", "127.0.0.1",
                        3306, "test", "root", "", null, table, 100, 300, 1));
            } finally {
                try (Statement s = other.createStatement()) {
                    s.execute("DROP TABLE " + table);
                }
            }
        }
    }

    private void skipsRowsTakenOrLocked(Connection other, String table, String yaml) throws Exception {
        List<String> keys = List.of("r/a.bin", "r/b.bin", "r/c.bin", "r/d.bin", "r/e.bin", "r/f.bin");
        List<Long> ids = IngestFixtures.insertRows(other, table, "bkt", keys, Map.of(), "pending");
        try (SourceConnector src = SourceConnector.open(SourceConfig.load(IngestFixtures.writeYaml(tmp, yaml))
                .sources().get(0))) {
            List<SourceRow> read = src.candidates(Set.of(0, 1), 100);
            assertThat(read).hasSize(6);
            try (Statement s = other.createStatement()) {
                s.executeUpdate("UPDATE " + table + " SET status = 'claimed', claimed_by = 'python-7' WHERE id = "
                        + ids.get(1));
            }
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                // another packer's claim transaction holds row e locked (still pending) while ours runs
                try (ResultSet rs = s.executeQuery("SELECT id FROM " + table + " WHERE id = " + ids.get(4)
                        + " FOR UPDATE")) {
                    assertThat(rs.next()).isTrue();
                }
                Set<String> claimed = src.claimRecorded(read, "packer-a", Instant.now());
                assertThat(claimed).containsExactlyInAnyOrder(ids.get(0) + "", ids.get(2) + "", ids.get(3) + "",
                        ids.get(5) + "");
            } finally {
                other.rollback();
                other.setAutoCommit(true);
            }
            Map<String, String> holders = new HashMap<>();
            try (Statement s = other.createStatement(); ResultSet rs = s.executeQuery("SELECT s3_key, status, "
                    + "claimed_by FROM " + table)) {
                while (rs.next()) {
                    holders.put(rs.getString(1), rs.getString(2) + "/" + rs.getString(3));
                }
            }
            assertThat(holders).containsExactlyInAnyOrderEntriesOf(Map.of("r/a.bin", "claimed/packer-a",
                    "r/b.bin", "claimed/python-7", "r/c.bin", "claimed/packer-a", "r/d.bin", "claimed/packer-a",
                    "r/e.bin", "pending/null", "r/f.bin", "claimed/packer-a"));
        }
    }

    @Test
    @Timeout(60)
    void rowsReadAheadAreHandedOutWithoutAReadAndThoseTakenMeanwhileAreRefused() throws Exception {
        withPendingRows("ahead", 40, (other, table, ids, src) -> {
            List<SourceRow> first = src.candidates(Set.of(0, 1), 5);
            assertThat(first).extracting(SourceRow::id).containsExactly(idText(ids.subList(0, 5)));
            assertThat(src.claimRecorded(first, "packer-a", Instant.now())).hasSize(5);
            try (Statement s = other.createStatement()) {
                // the next rows were read with the first page: a row taken since and one deleted since are still
                // handed out (no new read), and the claim refuses them
                s.executeUpdate("UPDATE " + table + " SET status = 'claimed', claimed_by = 'python-7' "
                        + "WHERE id = " + ids.get(6));
                s.executeUpdate("DELETE FROM " + table + " WHERE id = " + ids.get(8));
            }
            List<SourceRow> second = src.candidates(Set.of(0, 1), 5);
            assertThat(second).extracting(SourceRow::id).containsExactly(idText(ids.subList(5, 10)));
            assertThat(src.claimRecorded(second, "packer-a", Instant.now())).containsExactlyInAnyOrder(
                    ids.get(5) + "", ids.get(7) + "", ids.get(9) + "");
            // other shards: what was read ahead for {0, 1} is dropped and read again, for shard 0 alone
            List<SourceRow> third = src.candidates(Set.of(0), 5);
            assertThat(third).isNotEmpty().allSatisfy(r -> {
                assertThat(r.shard()).isZero();
                assertThat(r.idValue()).isInstanceOf(Number.class);
                assertThat(((Number) r.idValue()).longValue()).isGreaterThan(ids.get(9));
            });
            // every pending row is handed out in the end (the skipped shard-1 rows when the reads wrap around),
            // and claimed once
            Set<String> claimed = new java.util.HashSet<>();
            for (int round = 0; round < 40; round++) {
                List<SourceRow> rows = src.candidates(Set.of(0, 1), 5);
                if (rows.isEmpty()) {
                    break;
                }
                for (String id : src.claimRecorded(rows, "packer-a", Instant.now())) {
                    assertThat(claimed.add(id)).as("claimed twice: %s", id).isTrue();
                }
            }
            Set<String> expected = new java.util.HashSet<>();
            for (int i = 10; i < 40; i++) {
                expected.add(ids.get(i) + "");
            }
            assertThat(claimed).isEqualTo(expected);
        });
    }

    @Test
    @Timeout(60)
    void aReadThatFailsAfterRowsWereTakenFromTheReadAheadReadsThemAgain() throws Exception {
        withPendingRows("ahead_fail", 200, (other, table, ids, src) -> {
            List<SourceRow> first = src.candidates(Set.of(0, 1), 5);
            assertThat(first).extracting(SourceRow::id).containsExactly(idText(ids.subList(0, 5)));
            // the connector's session dies: the next call takes what was read ahead, then its read fails
            try (Statement s = other.createStatement()) {
                s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> "
                        + "pg_backend_pid() AND query LIKE '%" + table + "%'").close();
            }
            assertThatThrownBy(() -> src.candidates(Set.of(0, 1), 190))
                    .isInstanceOf(DesIngestSourceException.class);
            // the rows it had taken from the read-ahead were not handed out: reading goes on right after the
            // first five, not after the page read ahead
            List<SourceRow> again = src.candidates(Set.of(0, 1), 10);
            assertThat(again).extracting(SourceRow::id).containsExactly(idText(ids.subList(5, 15)));
        });
    }

    interface PendingRowsTest {
        void run(Connection other, String table, List<Long> ids, SourceConnector src) throws Exception;
    }

    /**
     * {@code n} pending rows in a new PostgreSQL table (two shards), a connector on it and another connection;
     * {@code table} is qualified with the schema.
     */
    private void withPendingRows(String hint, int n, PendingRowsTest test) throws Exception {
        String name = IngestFixtures.uniq(hint);
        String table = pg.schema() + "." + name;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(hint + "/f" + i + ".bin");
        }
        try (Connection other = DriverManager.getConnection(pg.url())) {
            IngestFixtures.createTable(other, table, true, true);
            List<Long> ids = IngestFixtures.insertRows(other, table, "bkt", keys, Map.of(), "pending");
            try (SourceConnector src = SourceConnector.open(SourceConfig.load(IngestFixtures.writeYaml(tmp,
                    IngestFixtures.source("pg-" + hint, "postgres", "127.0.0.1", 5432, "test", "postgres", "",
                            pg.schema(), name, 100, 300, 1))).sources().get(0))) {
                test.run(other, table, ids, src);
            }
        }
    }

    private static String[] idText(List<Long> ids) {
        return ids.stream().map(String::valueOf).toArray(String[]::new);
    }

    @Test
    @Timeout(120)
    void theClaimsOfRowsTheSourceRefusedAreWithdrawnAndTheirPlacesGivenBack() throws Exception {
        String table = IngestFixtures.uniq("refused");
        List<String> keys = List.of("q/a.bin", "q/b.bin", "q/c.bin", "q/d.bin");
        List<Long> ids;
        try (Connection c = DriverManager.getConnection(pg.url())) {
            IngestFixtures.createTable(c, pg.schema() + "." + table, true, true);
            ids = IngestFixtures.insertRows(c, pg.schema() + "." + table, "bkt", keys, Map.of(), "pending");
        }
        String archive = IngestFixtures.uniq("arch").replace('_', '-');
        S3.client().createBucket(CreateBucketRequest.builder().bucket(archive).build());
        PackerOptions o = PackerOptions.defaults(archive).withRegistry(new SimpleMeterRegistry());
        try (IngestDatabase db = IngestDatabase.open(pg.url(), 2);
             SourceConnector src = SourceConnector.open(SourceConfig.load(IngestFixtures.writeYaml(tmp,
                     IngestFixtures.source("pg-refused", "postgres", "127.0.0.1", 5432, "test", "postgres", "",
                             pg.schema(), table, 100, 300, 1))).sources().get(0))) {
            db.migrate();
            PackerContainers containers = new PackerContainers(S3.client(), o, ContainerCatalog.of(db),
                    new PackerSupport(db, o.registry()), Map.of(src.name(), src), s -> true);
            ClaimLedger ledger = new ClaimLedger(db);
            try {
                List<SourceRow> read = src.candidates(Set.of(0, 1), 100);
                try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE " + pg.schema() + "." + table + " SET status = 'claimed', claimed_by = "
                            + "'python-7' WHERE id IN (" + ids.get(0) + ", " + ids.get(2) + ")");
                }
                Map<String, ClaimLedger.Assignment> assigned = new HashMap<>();
                Map<String, PackerContainers.Open> ops = new HashMap<>();
                List<SourceRow> taken = containers.admit(src, read, assigned, ops, SnowflakeNames.create("DES", 3),
                        ledger, new long[3]);
                Set<String> expected = Set.of(ids.get(1) + "", ids.get(3) + "");
                assertThat(taken).extracting(SourceRow::id).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(assigned.keySet()).isEqualTo(expected);
                assertThat(ledger.all()).extracting(ClaimLedger.Claim::rowId).containsExactlyInAnyOrderElementsOf(
                        expected);
                // the refused rows' places are given back: only the taken rows count, and their names are the only
                // names taken in their containers
                int places = 0;
                List<String> names = new ArrayList<>();
                for (PackerContainers.Open op : containers.byShard().values()) {
                    places += op.assigned;
                    names.addAll(op.names);
                    assertThat(op.inflight.get()).isEqualTo((int) taken.stream().filter(r -> r.shard()
                            == op.c.shardId()).count());
                }
                assertThat(places).isEqualTo(2);
                assertThat(names).containsExactlyInAnyOrder("b.bin", "d.bin");
            } finally {
                for (PackerContainers.Open op : List.copyOf(containers.byShard().values())) {
                    op.inflight.set(0);
                    containers.discard(op, "end of test");
                }
                containers.close();
            }
            // giving the containers up released our rows, not the other claimer's
            assertThat(ledger.all()).isEmpty();
            try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM " + pg.schema() + "." + table
                         + " GROUP BY status")) {
                Map<String, Integer> counts = new HashMap<>();
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
                assertThat(counts).isEqualTo(Map.of("pending", 2, "claimed", 2));
            }
        }
    }
}
