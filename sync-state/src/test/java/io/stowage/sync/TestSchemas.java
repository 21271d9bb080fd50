package io.stowage.sync;

import io.stowage.testing.core.PgSchema;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL schemas of this module's tests: {@code t_sync_<hint>_<epoch seconds>_<random>}, so a schema left by a
 * killed run (its {@code finally} never ran) is recognised by its age and dropped when the next run starts.
 */
final class TestSchemas {
    /** Schemas older than this are left over from a killed run (a whole test class takes seconds). */
    private static final Duration STALE = Duration.ofMinutes(30);
    private static final Pattern OURS = Pattern.compile("t_sync_[a-z0-9]+_(\\d{10})_[0-9a-f]{8}");
    private static volatile boolean swept;

    private TestSchemas() {}

    /** A fresh schema for one test or class (drop it with {@code close()} in a {@code finally}). */
    static PgSchema create(String hint) {
        sweep();
        return PgSchema.create("sync_" + hint + "_" + System.currentTimeMillis() / 1000);
    }

    /** Drops this module's schemas older than {@link #STALE}: those of runs killed before their cleanup. */
    static synchronized void sweep() {
        if (swept) {
            return;
        }
        swept = true;
        long now = System.currentTimeMillis() / 1000;
        try (Connection c = DriverManager.getConnection(PgSchema.baseUrl()); Statement s = c.createStatement()) {
            List<String> stale = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT nspname FROM pg_catalog.pg_namespace "
                    + "WHERE nspname LIKE 't\\_sync\\_%'")) {
                while (rs.next()) {
                    Matcher m = OURS.matcher(rs.getString(1));
                    if (m.matches() && now - Long.parseLong(m.group(1)) > STALE.toSeconds()) {
                        stale.add(rs.getString(1));
                    }
                }
            }
            for (String name : stale) {
                s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            }
            if (!stale.isEmpty()) {
                System.out.println("dropped " + stale.size() + " schema(s) left by killed test runs: " + stale);
            }
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL is not reachable at " + PgSchema.baseUrl() + " to remove stale "
                    + "test schemas (" + e.getMessage() + "); set " + PgSchema.ENV + " or start PostgreSQL", e);
        }
    }
}
