package io.stowage.testing.core;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** A schema of its own per fixture, used by the URL, gone after close. Needs the machine's PostgreSQL. */
class PgSchemaTest {
    static boolean exists(String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(PgSchema.baseUrl()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '"
                     + schema + "'")) {
            r.next();
            return r.getInt(1) == 1;
        }
    }

    @Test
    void createsUsesAndDrops() throws Exception {
        String name;
        try (PgSchema pg = PgSchema.create("Fixture-Test")) {
            name = pg.schema();
            assertThat(name).matches("t_fixture_test_[0-9a-f]{8}");
            assertThat(exists(name)).isTrue();
            try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (x int)");
                try (ResultSet r = s.executeQuery("SELECT current_schema()")) {
                    r.next();
                    assertThat(r.getString(1)).isEqualTo(name);
                }
            }
        }
        assertThat(exists(name)).isFalse();
    }

    @Test
    void twoFixturesNeverShareASchema() {
        try (PgSchema a = PgSchema.create("same"); PgSchema b = PgSchema.create("same")) {
            assertThat(a.schema()).isNotEqualTo(b.schema());
            assertThat(a.url()).contains("currentSchema=" + a.schema());
        }
    }
}
