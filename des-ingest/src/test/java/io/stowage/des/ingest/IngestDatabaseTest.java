package io.stowage.des.ingest;

import io.stowage.testing.core.PgSchema;
import io.stowage.testing.core.PgSchemaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngestDatabaseTest {
    @RegisterExtension
    static final PgSchemaExtension pg = PgSchemaExtension.of("ingestdb");

    @Test
    void migrationFilesAreFoundInOrderForBothDialects() {
        for (IngestDatabase.Dialect d : IngestDatabase.Dialect.values()) {
            List<String> files = IngestDatabase.migrationFiles(d);
            assertThat(files).contains("05-node-leases.sql");
            assertThat(files).isSortedAccordingTo((a, b) -> Integer.compare(
                    Integer.parseInt(a.substring(0, a.indexOf('-'))), Integer.parseInt(b.substring(0, b.indexOf('-')))));
        }
    }

    @Test
    void postgresMigratesOnceEvenWhenSixProcessesStartAtOnce() throws Exception {
        try (PgSchema fresh = PgSchema.create("ingestmig")) {
            migrateAtOnce(fresh);
        }
    }

    private static void migrateAtOnce(PgSchema pg) throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(6);
        try {
            List<Future<List<String>>> fs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Callable<List<String>> c = () -> {
                    try (IngestDatabase db = IngestDatabase.open(pg.url(), 2)) {
                        return db.migrate();
                    }
                };
                fs.add(ex.submit(c));
            }
            List<String> applied = new ArrayList<>();
            for (Future<List<String>> f : fs) {
                applied.addAll(f.get());
            }
            assertThat(applied).containsOnlyOnce("05-node-leases");
            assertThat(applied).doesNotHaveDuplicates();
        } finally {
            ex.shutdown();
        }
        try (IngestDatabase db = IngestDatabase.open(pg.url())) {
            assertThat(db.dialect()).isEqualTo(IngestDatabase.Dialect.POSTGRES);
            assertThat(db.migrate()).isEmpty();
            assertThat(db.appliedMigrations()).contains("05-node-leases");
            int rows = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM des_node_leases")
                    .mapTo(Integer.class).one());
            assertThat(rows).isZero();
        }
    }

    @Test
    void sqliteMigratesIdempotentlyAndRoundTripsTimes(@TempDir Path dir) {
        String url = "jdbc:sqlite:" + dir.resolve("state.db");
        try (IngestDatabase db = IngestDatabase.open(url)) {
            assertThat(db.dialect()).isEqualTo(IngestDatabase.Dialect.SQLITE);
            assertThat(db.migrate()).contains("05-node-leases");
            assertThat(db.migrate()).isEmpty();
            Instant t = Instant.ofEpochMilli(1_733_000_000_123L);
            db.execute("INSERT INTO des_node_leases VALUES (1, 'h', 't', ?, ?, ?)", db.timestamp(t), db.timestamp(t),
                    db.timestamp(t));
            Instant back = db.jdbi().withHandle(h -> h.createQuery("SELECT expires_at FROM des_node_leases")
                    .map((rs, ctx) -> db.instant(rs, "expires_at")).one());
            assertThat(back).isEqualTo(t);
        }
        try (IngestDatabase db = IngestDatabase.open(dir.resolve("state.db").toString())) {
            assertThat(db.migrate()).isEmpty();
        }
    }

    @Test
    void postgresRoundTripsTimes() {
        try (IngestDatabase db = IngestDatabase.open(pg.url())) {
            db.migrate();
            Instant t = Instant.ofEpochMilli(1_733_000_000_123L);
            db.execute("INSERT INTO des_node_leases VALUES (200, 'h', 't', ?, ?, ?)", db.timestamp(t),
                    db.timestamp(t), db.timestamp(t));
            Instant back = db.jdbi().withHandle(h -> h.createQuery(
                            "SELECT expires_at FROM des_node_leases WHERE node_id = 200")
                    .map((rs, ctx) -> db.instant(rs, "expires_at")).one());
            assertThat(back).isEqualTo(t);
            db.execute("DELETE FROM des_node_leases WHERE node_id = 200");
        }
    }

    @Test
    void badUrlsAreRefusedWithHowToFix(@TempDir Path dir) {
        assertThatThrownBy(() -> IngestDatabase.open("jdbc:mysql://x/y"))
                .isInstanceOf(DesIngestDatabaseException.class).hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> IngestDatabase.open("mysql://u:secret@h/db"))
                .isInstanceOf(DesIngestDatabaseException.class).hasMessageContaining("not supported")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> IngestDatabase.open("jdbc:sqlite::memory:"))
                .isInstanceOf(DesIngestDatabaseException.class).hasMessageContaining("names no file");
        assertThatThrownBy(() -> IngestDatabase.open(dir.resolve("missing/state.db").toString()))
                .isInstanceOf(DesIngestDatabaseException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> IngestDatabase.open("jdbc:postgresql://127.0.0.1:1/test?user=postgres&password=pw"))
                .isInstanceOf(DesIngestDatabaseException.class).hasMessageContaining("PostgreSQL runs")
                .hasMessageNotContaining("=pw");
    }

    @Test
    void desDbUrlsOfTheExistingDeploymentBecomeJdbcUrls() {
        assertThat(IngestDatabase.jdbcUrl("postgresql://des:p%40ss@db.example:5433/des"))
                .isEqualTo("jdbc:postgresql://db.example:5433/des?user=des&password=p@ss");
        assertThat(IngestDatabase.jdbcUrl("postgresql+psycopg2://postgres@127.0.0.1/test?sslmode=disable"))
                .isEqualTo("jdbc:postgresql://127.0.0.1/test?user=postgres&sslmode=disable");
        assertThat(IngestDatabase.jdbcUrl("postgres://h/db")).isEqualTo("jdbc:postgresql://h/db");
        assertThat(IngestDatabase.jdbcUrl("sqlite:////var/lib/des.db")).isEqualTo("jdbc:sqlite:/var/lib/des.db");
        assertThat(IngestDatabase.jdbcUrl("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
        // and such a URL opens the real server
        String base = PgSchema.baseUrl();
        if (base.equals(PgSchema.DEFAULT_URL)) {
            try (IngestDatabase db = IngestDatabase.open("postgresql://postgres@127.0.0.1:5432/test")) {
                int one = db.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
                assertThat(one).isOne();
            }
        }
    }

    @Test
    void scriptsSplitAtStatementEnds() {
        assertThat(IngestDatabase.statements("-- c\nCREATE TABLE a (x INT);\n\nCREATE INDEX i\n ON a (x);\n"))
                .containsExactly("CREATE TABLE a (x INT)", "CREATE INDEX i\n ON a (x)");
    }
}
