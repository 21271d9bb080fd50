package io.stowage.sync;

import io.stowage.testing.core.PgSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
    static PgSchema pg;

    @TempDir
    Path tmp;

    @BeforeAll
    static void schema() {
        pg = PgSchema.create("ledger");
    }

    @AfterAll
    static void dropSchema() {
        pg.close();
    }

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
        if (kind == Ledgers.POSTGRESQL) {
            try (SyncLedger l = SyncLedger.open(PgSchema.baseUrl())) {
                l.db().execute("DELETE FROM " + pg.schema() + ".stowage_schema WHERE version = 7");
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
