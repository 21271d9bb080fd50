package io.stowage.sync;

import io.stowage.testing.core.PgSchemaExtension;

import java.nio.file.Path;

/** The two ledger kinds every ledger test runs against. */
enum Ledgers {
    SQLITE, POSTGRESQL;

    /** A fresh ledger URL of this kind: a file under {@code dir}, or the test class's PostgreSQL schema. */
    String url(Path dir, PgSchemaExtension pg, String name) {
        return this == SQLITE ? dir.resolve(name + ".db").toString() : pg.url();
    }
}
