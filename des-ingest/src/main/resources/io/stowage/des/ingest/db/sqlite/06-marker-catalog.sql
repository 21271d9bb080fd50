-- The marker's catalogue and DLQ (docs/formats/DES-INGEST.md section 1) on SQLite: times are epoch milliseconds,
-- booleans 0/1.
CREATE TABLE IF NOT EXISTS des_source_catalog (
    id            INTEGER PRIMARY KEY,
    created_at    INTEGER NOT NULL,
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
    id               INTEGER PRIMARY KEY,
    catalog_entry_id INTEGER NOT NULL REFERENCES des_source_catalog (id) ON DELETE CASCADE,
    created_at       INTEGER NOT NULL,
    error_message    TEXT,
    retry_count      INTEGER DEFAULT 0,
    resolved         INTEGER DEFAULT 0,
    resolved_at      INTEGER
);
CREATE INDEX IF NOT EXISTS ix_des_marker_dlq_unresolved ON des_marker_dlq (resolved, created_at)
    WHERE resolved = 0;
CREATE TABLE IF NOT EXISTS des_marker_retry_after (
    catalog_entry_id INTEGER PRIMARY KEY REFERENCES des_source_catalog (id) ON DELETE CASCADE,
    not_before       INTEGER NOT NULL
);
