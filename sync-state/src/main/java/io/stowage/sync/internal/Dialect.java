package io.stowage.sync.internal;

import java.util.Locale;

/** The two ledger databases and the SQL that differs between them. */
enum Dialect {
    /** A file; one process at a time (WAL, busy timeout). */
    SQLITE("sqlite", "CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)", ""),
    /** A server; many processes claim work with {@code FOR UPDATE SKIP LOCKED}. */
    POSTGRESQL("postgresql", "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)", " FOR UPDATE SKIP LOCKED");

    private final String folder;
    private final String nowMillis;
    private final String skipLocked;

    Dialect(String folder, String nowMillis, String skipLocked) {
        this.folder = folder;
        this.nowMillis = nowMillis;
        this.skipLocked = skipLocked;
    }

    /** Replaces {@code NOW_MS} (the database clock, epoch ms) and {@code SKIP_LOCKED} in {@code sql}. */
    String sql(String sql) {
        return sql.replace("NOW_MS", nowMillis).replace("SKIP_LOCKED", skipLocked);
    }

    String migrationFolder() {
        return folder;
    }

    /** The dialect of a {@code jdbc:} URL, or {@code null}. */
    static Dialect ofJdbcUrl(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (u.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        return null;
    }
}
