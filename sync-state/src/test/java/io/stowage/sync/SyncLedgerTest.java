package io.stowage.sync;

import io.stowage.testing.core.PgSchema;
import io.stowage.testing.core.PgSchemaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening ledgers: migrations, schema versions, bad URLs, unreachable servers, damaged files. */
class SyncLedgerTest {
    /** This test's own schema (issue 24: none shares {@code public} or another test's tables). */
    @RegisterExtension
    final PgSchemaExtension pg = PgSchemaExtension.of(() -> TestSchemas.create("ledger"));

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void openCreatesTheSchemaOnceAndReopensIt(Ledgers kind) throws Exception {
        String url = kind.url(tmp, pg, "l");
        try (SyncLedger l = SyncLedger.open(url)) {
            assertThat(l.schemaVersion()).isEqualTo(1);
            assertThat(l.isShared()).isEqualTo(kind == Ledgers.POSTGRESQL);
        }
        try (SyncLedger l = SyncLedger.open(url)) {
            assertThat(l.schemaVersion()).isEqualTo(1);
            assertThat(l.projects()).isEmpty();
        }
        String jdbc = kind == Ledgers.SQLITE ? "jdbc:sqlite:" + url : url;
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            String q = kind == Ledgers.SQLITE ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                    : "SELECT table_name FROM information_schema.tables WHERE table_schema = '" + pg.schema() + "'";
            try (ResultSet rs = s.executeQuery(q)) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("projects", "sync_sessions", "file_uploads", "config_history",
                    "stowage_schema");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM stowage_schema")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void aLedgerFromANewerStowageIsRefusedUnchanged(Ledgers kind) {
        String url = kind.url(tmp, pg, "newer");
        try (SyncLedger l = SyncLedger.open(url)) {
            l.db().execute("INSERT INTO stowage_schema (version, applied_at, description) VALUES (7, 0, 'V7')");
        }
        assertThatThrownBy(() -> SyncLedger.open(url))
                .isInstanceOf(SyncLedgerSchemaException.class)
                .hasMessageContaining("schema version 7")
                .hasMessageContaining("newer than version 1")
                .hasMessageContaining("upgrade Stowage")
                .satisfies(e -> assertThat(((SyncLedgerSchemaException) e).foundVersion()).isEqualTo(7));
    }

    /** Issue 24: each test's schema is its own and is gone after it; none is left in {@code public}. */
    @Test
    void everyTestHasItsOwnSchemaAndNothingGoesToPublic() throws Exception {
        try (SyncLedger l = SyncLedger.open(pg.url())) {
            assertThat(l.schemaVersion()).isEqualTo(1);
        }
        try (Connection c = DriverManager.getConnection(PgSchema.baseUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_schema FROM information_schema.tables "
                     + "WHERE table_name = 'stowage_schema' AND table_schema = '" + pg.schema() + "'")) {
            assertThat(rs.next()).as("ledger tables in %s", pg.schema()).isTrue();
        }
        PgSchema other = TestSchemas.create("ledger");
        try {
            assertThat(other.schema()).isNotEqualTo(pg.schema());
        } finally {
            other.close();
        }
        try (Connection c = DriverManager.getConnection(PgSchema.baseUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_catalog.pg_namespace WHERE nspname = '"
                     + other.schema() + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("schema %s after close", other.schema()).isZero();
        }
    }

    /** Issue 17: a URL without a database gave a raw driver WARNING and "No suitable driver" with exit 1. */
    @Test
    void aPostgresqlUrlWithoutADatabaseIsAUsageErrorSayingSo() {
        for (String url : List.of("jdbc:postgresql://127.0.0.1:5432", "jdbc:postgresql://127.0.0.1:5432/",
                "jdbc:postgresql://127.0.0.1:5432?user=postgres")) {
            assertThatThrownBy(() -> SyncLedger.open(url)).as(url)
                    .isInstanceOf(SyncConfigException.class)
                    .hasMessageContaining("names no database")
                    .hasMessageContaining("jdbc:postgresql://HOST:5432/DATABASE?user=NAME")
                    .hasMessageNotContaining("No suitable driver");
        }
    }

    /** Issue 17: a malformed URL's message was just the fragment the driver choked on. */
    @Test
    void aMalformedPostgresqlUrlIsAUsageErrorSayingWhatIsWrong() {
        assertThatThrownBy(() -> SyncLedger.open("jdbc:postgresql://db:54x2/stowage"))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("state URL jdbc:postgresql://db:54x2/stowage")
                .hasMessageContaining("port '54x2'").hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> SyncLedger.open("jdbc:postgresql://db:99999/stowage"))
                .isInstanceOf(SyncConfigException.class).hasMessageContaining("port '99999'");
        assertThatThrownBy(() -> SyncLedger.open("jdbc:postgresql://db/stowage?user=up&password=s%zz"))
                .isInstanceOf(SyncConfigException.class).hasMessageContaining("broken %-escape")
                .hasMessageNotContaining("s%zz");
        assertThatThrownBy(() -> SyncLedger.open("jdbc:postgresql://a,,b/stowage"))
                .isInstanceOf(SyncConfigException.class).hasMessageContaining("empty entry");
        assertThatThrownBy(() -> SyncLedger.open("jdbc:postgresql://[::1/stowage"))
                .isInstanceOf(SyncConfigException.class).hasMessageContaining("closing ]");
        assertThatThrownBy(() -> SyncLedger.open("JDBC:POSTGRESQL://db/stowage"))
                .isInstanceOf(SyncConfigException.class).hasMessageContaining("lower case");
    }

    /** Issue 17: {@code sync status --state missing.db} created and migrated a new ledger. */
    @Test
    void openingAnExistingLedgerNeverCreatesOne() throws Exception {
        Path missing = tmp.resolve("missing.db");
        assertThatThrownBy(() -> SyncLedger.openExisting(missing.toString()))
                .isInstanceOf(SyncLedgerNotFoundException.class)
                .hasMessageContaining("no ledger at " + missing)
                .hasMessageContaining("nothing was created")
                .satisfies(e -> assertThat(((SyncLedgerNotFoundException) e).state()).isEqualTo(missing.toString()));
        assertThat(missing).doesNotExist();
        assertThat(tmp.resolve("missing.db-wal")).doesNotExist();
        assertThatThrownBy(() -> SyncLedger.openExisting("jdbc:sqlite:" + missing))
                .isInstanceOf(SyncLedgerNotFoundException.class);
        assertThat(missing).doesNotExist();
        // a PostgreSQL schema without the tables: nothing is created in it
        assertThatThrownBy(() -> SyncLedger.openExisting(pg.url()))
                .isInstanceOf(SyncLedgerNotFoundException.class)
                .hasMessageContaining("no ledger at jdbc:postgresql://");
        try (Connection c = DriverManager.getConnection(PgSchema.baseUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '"
                     + pg.schema() + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
        // an existing ledger opens as before
        for (Ledgers kind : Ledgers.values()) {
            String url = kind.url(tmp, pg, "there");
            try (SyncLedger l = SyncLedger.open(url)) {
                assertThat(l.schemaVersion()).isEqualTo(1);
            }
            try (SyncLedger l = SyncLedger.openExisting(url)) {
                assertThat(l.projects()).isEmpty();
            }
        }
    }

    @Test
    void anUnreachablePostgresqlIsAClearErrorNamingTheServer() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/test?user=postgres&password=secret";
        assertThatThrownBy(() -> SyncLedger.open(url))
                .isInstanceOf(SyncLedgerUnavailableException.class)
                .hasMessageContaining("cannot open the ledger jdbc:postgresql://127.0.0.1:" + port)
                .hasMessageContaining("check that PostgreSQL runs")
                .hasMessageNotContaining("secret");
    }

    @Test
    void badStateUrlsAreUsageErrors() {
        assertThatThrownBy(() -> SyncLedger.open("jdbc:mysql://db/x")).isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("is not supported");
        assertThatThrownBy(() -> SyncLedger.open("postgresql://db/x")).isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("jdbc:postgresql://");
        assertThatThrownBy(() -> SyncLedger.open("jdbc:sqlite::memory:")).isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("in-memory");
        assertThatThrownBy(() -> SyncLedger.open(" ")).isInstanceOf(SyncConfigException.class);
    }

    @Test
    void aSqliteLedgerInAMissingFolderOrOnAFolderIsAClearError() throws Exception {
        assertThatThrownBy(() -> SyncLedger.open(tmp.resolve("no/such/dir/l.db").toString()))
                .isInstanceOf(SyncLedgerUnavailableException.class).hasMessageContaining("does not exist");
        Files.createDirectories(tmp.resolve("adir"));
        assertThatThrownBy(() -> SyncLedger.open(tmp.resolve("adir").toString()))
                .isInstanceOf(SyncLedgerUnavailableException.class).hasMessageContaining("it is a folder");
    }

    @Test
    void aFileThatIsNotALedgerIsAClearError() throws Exception {
        Path f = tmp.resolve("notes.txt");
        Files.writeString(f, "this is not a database, just some text that is long enough to have a header page");
        assertThatThrownBy(() -> SyncLedger.open(f.toString()))
                .isInstanceOf(SyncLedgerUnavailableException.class)
                .hasMessageContaining(f.toString());
    }

    @Test
    void jdbcSqliteUrlsWork() {
        String url = "jdbc:sqlite:" + tmp.resolve("j.db");
        try (SyncLedger l = SyncLedger.open(url)) {
            assertThat(l.where()).isEqualTo(tmp.resolve("j.db").toString());
        }
    }
}
