-- The marker's catalogue and DLQ, as an existing deployment has them (docs/formats/DES-INGEST.md section 1);
-- kept as they are when they exist.
CREATE TABLE IF NOT EXISTS des_source_catalog (
    id            SERIAL PRIMARY KEY,
    created_at    TIMESTAMPTZ NOT NULL,
    des_name      VARCHAR(255),
    des_hash      VARCHAR(64),
    des_shard     INTEGER,
    des_status    VARCHAR(32),
    retry_count   INTEGER DEFAULT 0,
    last_error    TEXT,
    source_bucket VARCHAR(255),
    source_key    VARCHAR(1024)
);
CREATE INDEX IF NOT EXISTS ix_des_source_catalog_unmarked ON des_source_catalog (created_at, des_status, des_name)
    WHERE des_status IS NULL OR des_status IN ('retry', 'pending');
CREATE TABLE IF NOT EXISTS des_marker_dlq (
    id               SERIAL PRIMARY KEY,
    catalog_entry_id INTEGER NOT NULL REFERENCES des_source_catalog (id) ON DELETE CASCADE,
    created_at       TIMESTAMPTZ NOT NULL,
    error_message    TEXT,
    retry_count      INTEGER DEFAULT 0,
    resolved         BOOLEAN DEFAULT FALSE,
    resolved_at      TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS ix_des_marker_dlq_unresolved ON des_marker_dlq (resolved, created_at)
    WHERE resolved = FALSE;
-- Stowage: when a row in status 'retry' may be tried again (its backoff), one row per waiting catalogue row.
CREATE TABLE IF NOT EXISTS des_marker_retry_after (
    catalog_entry_id INTEGER PRIMARY KEY REFERENCES des_source_catalog (id) ON DELETE CASCADE,
    not_before       TIMESTAMPTZ NOT NULL
);
