package io.stowage.des.ingest;

import io.stowage.testing.core.PgSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The claim ledger is the fence between packers: a row with a claim is never recorded for a second holder. */
class ClaimLedgerTest {
    private static final Instant NOW = Instant.parse("2026-12-06T03:00:00Z");

    @Test
    void postgresRecordsAFreshBatchWholeAndSkipsRowsClaimedBefore() {
        onPostgres("claimledger", ClaimLedgerTest::fenceHolds);
    }

    @Test
    void sqliteRecordsAFreshBatchWholeAndSkipsRowsClaimedBefore(@TempDir Path dir) {
        onSqlite(dir, ClaimLedgerTest::fenceHolds);
    }

    /** {@code scenario} on a migrated state database in a new PostgreSQL schema. */
    private static void onPostgres(String hint, Consumer<IngestDatabase> scenario) {
        try (PgSchema pg = PgSchema.create(hint); IngestDatabase db = IngestDatabase.open(pg.url())) {
            db.migrate();
            scenario.accept(db);
        }
    }

    /** {@code scenario} on a migrated state database in a new SQLite file. */
    private static void onSqlite(Path dir, Consumer<IngestDatabase> scenario) {
        try (IngestDatabase db = IngestDatabase.open("jdbc:sqlite:" + dir.resolve("state.db"))) {
            db.migrate();
            scenario.accept(db);
        }
    }

    private static void fenceHolds(IngestDatabase db) {
        ClaimLedger ledger = new ClaimLedger(db);
        // a fresh batch: every row recorded, with its container, entry and DES name
        assertThat(ledger.record(batch("src", 1, 2, 3), "packer-a", NOW).keySet()).containsExactlyInAnyOrder("1", "2",
                "3");
        // rows 2 and 3 are claimed (by packer-a): a batch naming them records only its other rows, and the old
        // claims keep their holder and container
        assertThat(ledger.record(batch("src", 2, 4, 3, 5), "packer-b", NOW).keySet()).containsExactlyInAnyOrder("4",
                "5");
        // the same ids in another source are other rows
        assertThat(ledger.record(batch("other", 1, 2), "packer-b", NOW).keySet()).containsExactlyInAnyOrder("1", "2");
        Map<String, ClaimLedger.Claim> byRow = byRow(ledger);
        assertThat(byRow).hasSize(7);
        assertThat(byRow.get("src/2").holder()).isEqualTo("packer-a");
        assertThat(byRow.get("src/3").containerId()).isEqualTo(103L);
        assertThat(byRow.get("src/4").holder()).isEqualTo("packer-b");
        assertThat(byRow.get("src/4").entryName()).isEqualTo("obj-4.bin");
        assertThat(byRow.get("src/4").desName()).isEqualTo("DES_20261206_4");
        assertThat(byRow.get("other/1").holder()).isEqualTo("packer-b");
    }

    @Test
    void postgresTakesTheMarkerCataloguesNameUnlessTheRowHasItsOwn() {
        onPostgres("claimcat", ClaimLedgerTest::catalogueNamesWin);
    }

    @Test
    void sqliteTakesTheMarkerCataloguesNameUnlessTheRowHasItsOwn(@TempDir Path dir) {
        onSqlite(dir, ClaimLedgerTest::catalogueNamesWin);
    }

    private static void catalogueNamesWin(IngestDatabase db) {
        // the marker named rows 1 and 2 (bucket b), and the same key of row 3 in another bucket, and row 4 unnamed yet
        catalogue(db, "b", "k/obj-1.bin", "DES_MARKER_1");
        catalogue(db, "b", "k/obj-2.bin", "DES_MARKER_2");
        catalogue(db, "elsewhere", "k/obj-3.bin", "DES_MARKER_3");
        catalogue(db, "b", "k/obj-4.bin", null);
        List<ClaimLedger.Assignment> rows = batch("src", 1, 3, 4);
        // row 2 has a DES name of its own in the source table: it stays
        SourceRow own = new SourceRow("src", "2", 2L, "b", "k/obj-2.bin", 4096, NOW, Map.of(), 2, "DES_SOURCE_2");
        rows.add(new ClaimLedger.Assignment(own, 102, "obj-2.bin", "DES_SOURCE_2"));
        Map<String, String> recorded = new ClaimLedger(db).record(rows, "packer-a", NOW);
        assertThat(recorded).containsExactlyInAnyOrderEntriesOf(Map.of("1", "DES_MARKER_1", "2", "DES_SOURCE_2",
                "3", "DES_20261206_3", "4", "DES_20261206_4"));
        Map<String, ClaimLedger.Claim> byRow = byRow(new ClaimLedger(db));
        recorded.forEach((id, name) -> assertThat(byRow.get("src/" + id).desName()).isEqualTo(name));
        // a claim already there is not recorded again, whatever the catalogue says
        assertThat(new ClaimLedger(db).record(batch("src", 1, 5), "packer-b", NOW)).containsOnlyKeys("5");
        assertThat(byRow(new ClaimLedger(db)).get("src/1").holder()).isEqualTo("packer-a");
    }

    private static void catalogue(IngestDatabase db, String bucket, String key, String desName) {
        db.jdbi().useHandle(h -> h.execute("INSERT INTO des_source_catalog (created_at, des_name, source_bucket, "
                + "source_key) VALUES (?, ?, ?, ?)", db.timestamp(NOW), desName, bucket, key));
    }

    private static Map<String, ClaimLedger.Claim> byRow(ClaimLedger ledger) {
        return ledger.all().stream().collect(Collectors.toMap(c -> c.sourceDb() + "/" + c.rowId(), c -> c));
    }

    private static List<ClaimLedger.Assignment> batch(String source, int... ids) {
        List<ClaimLedger.Assignment> out = new ArrayList<>();
        for (int id : ids) {
            SourceRow r = new SourceRow(source, Integer.toString(id), (long) id, "b", "k/obj-" + id + ".bin", 4096,
                    NOW, Map.of(), id % 16, null);
            out.add(new ClaimLedger.Assignment(r, 100 + id, "obj-" + id + ".bin", "DES_20261206_" + id));
        }
        return out;
    }
}
