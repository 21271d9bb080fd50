-- SQLite: times are epoch milliseconds (INTEGER), days are YYYY-MM-DD text. See the PostgreSQL file.
-- Packer tables. des_shard_locks and des_containers are the existing deployment's tables (DES-INGEST.md section 1):
-- created only when missing, so a site's tables are used as they are. The des_ingest_* tables are Stowage's own.
CREATE TABLE IF NOT EXISTS des_shard_locks (
    shard_id     INTEGER PRIMARY KEY,
    holder_id    VARCHAR(128) NOT NULL,
    acquired_at  INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    state        VARCHAR(32) NOT NULL
);
CREATE TABLE IF NOT EXISTS des_containers (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    shard_id     INTEGER NOT NULL,
    day          VARCHAR(10) NOT NULL,
    status       VARCHAR(32) NOT NULL,
    s3_key       VARCHAR(512) NOT NULL,
    file_count   INTEGER NOT NULL DEFAULT 0,
    data_bytes   BIGINT NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    finalized_at INTEGER NULL
);
-- Our side of each container we write: the finer state of the exactly-once protocol (docs/des-ingest.md), the part
-- number, the bucket, who writes it, and what was uploaded. (bucket, s3_key) unique: a key is reserved once.
CREATE TABLE IF NOT EXISTS des_ingest_containers (
    container_id    INTEGER PRIMARY KEY,
    bucket          VARCHAR(255) NOT NULL,
    s3_key          VARCHAR(512) NOT NULL,
    shard_id        INTEGER NOT NULL,
    day             VARCHAR(10) NOT NULL,
    part            INTEGER NOT NULL,
    state           VARCHAR(32) NOT NULL,
    holder_id       VARCHAR(128) NOT NULL,
    external_prefix VARCHAR(512) NOT NULL,
    entry_count     INTEGER NULL,
    archive_bytes   BIGINT NULL,
    etag            VARCHAR(128) NULL,
    verified        VARCHAR(32) NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (bucket, s3_key)
);
CREATE INDEX IF NOT EXISTS des_ingest_containers_state ON des_ingest_containers (state);
-- Claims of source rows, recorded here too: the fence between packers (one row per source row), the container a
-- claimed row goes to with its entry and DES name, and the claim time (claim_timeout_seconds without claimed_at).
CREATE TABLE IF NOT EXISTS des_ingest_claims (
    source_db     VARCHAR(255) NOT NULL,
    source_row_id VARCHAR(255) NOT NULL,
    holder_id     VARCHAR(128) NOT NULL,
    shard_id      INTEGER NOT NULL,
    claimed_at    INTEGER NOT NULL,
    container_id  INTEGER NULL,
    entry_name    VARCHAR(1024) NULL,
    des_name      VARCHAR(255) NULL,
    PRIMARY KEY (source_db, source_row_id)
);
CREATE INDEX IF NOT EXISTS des_ingest_claims_container ON des_ingest_claims (container_id);
-- The name index: where each packed file is, by its DES name (stowage serve des reads it).
CREATE TABLE IF NOT EXISTS des_entry_index (
    des_name      VARCHAR(255) PRIMARY KEY,
    source_db     VARCHAR(255) NOT NULL,
    source_row_id VARCHAR(255) NOT NULL,
    container_id  INTEGER NOT NULL,
    entry_name    VARCHAR(1024) NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS des_entry_index_container ON des_entry_index (container_id);
-- Live packers (heartbeat with their locks), so each can take a fair share of the shards.
CREATE TABLE IF NOT EXISTS des_ingest_packers (
    holder_id  VARCHAR(128) PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
