package io.stowage.sync;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh PostgreSQL schema for one test class, dropped at the end. Reads {@code STOWAGE_TEST_PG_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}); an unreachable server fails the test with the
 * variable's name and how to start PostgreSQL, never skips it.
 */
final class PgSchema implements AutoCloseable {
    static final String ENV = "STOWAGE_TEST_PG_URL";
    static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private final String baseUrl;
    private final String schema;

    private PgSchema(String baseUrl, String schema) {
        this.baseUrl = baseUrl;
        this.schema = schema;
    }

    static String baseUrl() {
        String v = System.getenv(ENV);
        return v == null || v.isBlank() ? DEFAULT_URL : v;
    }

    static PgSchema create(String hint) {
        String base = baseUrl();
        String schema = ("sync_" + hint + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL is not reachable at " + base + " (" + e.getMessage() + "). Set "
                    + ENV + " to a JDBC URL of a PostgreSQL 15 server (trust auth), or start one, e.g. "
                    + "`service postgresql start` (database `test`, user `postgres`).", e);
        }
        return new PgSchema(base, schema);
    }

    /** The ledger URL: the base URL with {@code currentSchema} set to this schema. */
    String url() {
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    String schema() {
        return schema;
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new AssertionError("could not drop schema " + schema + ": " + e.getMessage(), e);
        }
    }
}
