package io.stowage.testing.core;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh PostgreSQL schema for one test (or test class), dropped on {@link #close()}. The server is the one of
 * {@code STOWAGE_TEST_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}); an unreachable
 * server fails the test with the variable's name and how to start PostgreSQL, never skips it. The JDBC driver comes
 * from the caller's test class path (this module has no dependency on it).
 *
 * <pre>{@code
 * try (PgSchema pg = PgSchema.create("ledger")) {
 *     try (SyncLedger l = SyncLedger.open(pg.url())) { ... }
 * }
 * }</pre>
 *
 * <p>For a schema per test class or per test, register {@link PgSchemaExtension} instead of creating and closing one
 * in {@code @BeforeAll}/{@code @AfterAll}.
 *
 * <p>Immutable apart from the schema it owns on the server; safe to share between threads. Each instance owns a
 * schema of its own, so test classes running in parallel do not see each other's tables.
 */
public final class PgSchema implements AutoCloseable {
    /** The environment variable that names the test server's JDBC URL. */
    public static final String ENV = "STOWAGE_TEST_PG_URL";
    /** The server used when {@link #ENV} is unset: the machine's PostgreSQL, trust auth. */
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private final String baseUrl;
    private final String schema;

    private PgSchema(String baseUrl, String schema) {
        this.baseUrl = baseUrl;
        this.schema = schema;
    }

    /** The server's JDBC URL without a schema: {@link #ENV}, else {@link #DEFAULT_URL}. */
    public static String baseUrl() {
        String v = System.getenv(ENV);
        return v == null || v.isBlank() ? DEFAULT_URL : v.trim();
    }

    /**
     * Creates a schema named {@code <hint>_<8 random hex digits>} (lower case; characters other than
     * {@code [a-z0-9_]} become {@code _}).
     *
     * @throws AssertionError when the server does not answer; the message says how to point {@link #ENV} at one
     */
    public static PgSchema create(String hint) {
        String base = baseUrl();
        String schema = ("t_" + hint + "_" + UUID.randomUUID().toString().substring(0, 8))
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

    /** The JDBC URL of this schema: the base URL with {@code currentSchema} set to it. */
    public String url() {
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** The schema's name. */
    public String schema() {
        return schema;
    }

    /**
     * Drops the schema and everything in it.
     *
     * @throws AssertionError when the drop fails (the message names the schema)
     */
    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new AssertionError("could not drop schema " + schema + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "PgSchema[" + schema + " on " + baseUrl + "]";
    }
}
