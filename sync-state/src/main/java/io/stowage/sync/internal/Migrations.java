package io.stowage.sync.internal;

import io.stowage.sync.SyncLedgerSchemaException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Versioned schema migrations: {@code migrations/<dialect>/V<n>.sql} applied in order, each in one transaction,
 * recorded in {@code stowage_schema}. A ledger whose version is newer than {@link #LATEST} is refused before anything
 * is written. On PostgreSQL an advisory lock serializes workers that start at the same moment.
 */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    /** The schema version this code writes and reads. */
    static final int LATEST = 1;
    private static final long PG_LOCK_KEY = 0x5354_4F57_4147_4531L;   // "STOWAGE1"

    private Migrations() {}

    /** Brings the ledger to {@link #LATEST}; returns the version found before. */
    static int migrate(Jdbi jdbi, Dialect dialect, String where) {
        return jdbi.inTransaction(h -> {
            if (dialect == Dialect.POSTGRESQL) {
                h.execute("SELECT pg_advisory_xact_lock(?)", PG_LOCK_KEY);
            }
            h.execute("CREATE TABLE IF NOT EXISTS stowage_schema (version INTEGER PRIMARY KEY, "
                    + "applied_at BIGINT NOT NULL, description TEXT NOT NULL)");
            int found = current(h);
            if (found > LATEST) {
                throw new SyncLedgerSchemaException("the ledger " + where + " has schema version " + found
                        + ", newer than version " + LATEST + " that this Stowage knows; it was written by a newer "
                        + "Stowage: upgrade Stowage (nothing was changed in the ledger)", found);
            }
            for (int v = found + 1; v <= LATEST; v++) {
                for (String stmt : statements(load(dialect, v))) {
                    h.execute(stmt);
                }
                h.execute(dialect.sql("INSERT INTO stowage_schema (version, applied_at, description) VALUES (?, NOW_MS, ?)"),
                        v, "V" + v);
                LOG.info("ledger {}: schema migrated to version {}", where, v);
            }
            return found;
        });
    }

    /** Whether the database holds a Stowage ledger (its {@code stowage_schema} table), without changing anything. */
    static boolean exists(Jdbi jdbi, Dialect dialect) {
        String q = dialect == Dialect.SQLITE
                ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'stowage_schema'"
                : "SELECT COUNT(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relname = 'stowage_schema' AND n.nspname = current_schema()";
        return jdbi.withHandle(h -> h.createQuery(q).mapTo(Long.class).one()) > 0;
    }

    static int current(Handle h) {
        Optional<Integer> v = h.createQuery("SELECT MAX(version) FROM stowage_schema").mapTo(Integer.class).findOne();
        return v.orElse(0) == null ? 0 : v.orElse(0);
    }

    private static String load(Dialect dialect, int version) {
        String name = "migrations/" + dialect.migrationFolder() + "/V" + version + ".sql";
        try (InputStream in = Migrations.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("migration " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a script at {@code ;} line ends, dropping {@code --} comment lines. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (t.startsWith("--") || t.isEmpty()) {
                continue;
            }
            cur.append(line).append('\n');
            if (t.endsWith(";")) {
                String s = cur.toString().strip();
                out.add(s.substring(0, s.length() - 1));
                cur.setLength(0);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().strip());
        }
        return out;
    }
}
