-- Stowage sync ledger, schema version 1 (SQLite). Times are epoch milliseconds (UTC) from the database clock.
CREATE TABLE projects (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT   NOT NULL UNIQUE,
    bucket      TEXT   NOT NULL,
    prefix      TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE sync_sessions (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id          BIGINT  NOT NULL REFERENCES projects (id),
    kind                TEXT    NOT NULL,
    worker              TEXT    NOT NULL,
    source              TEXT,
    status              TEXT    NOT NULL,
    started_at          BIGINT  NOT NULL,
    heartbeat_at        BIGINT  NOT NULL,
    ended_at            BIGINT,
    total_files         BIGINT  NOT NULL DEFAULT 0,
    files_uploaded      BIGINT  NOT NULL DEFAULT 0,
    files_skipped       BIGINT  NOT NULL DEFAULT 0,
    files_failed        BIGINT  NOT NULL DEFAULT 0,
    bytes_uploaded      BIGINT  NOT NULL DEFAULT 0,
    bytes_skipped       BIGINT  NOT NULL DEFAULT 0,
    config              TEXT    NOT NULL,
    error               TEXT,
    trigger_url         TEXT,
    trigger_status      TEXT,
    trigger_attempts    INTEGER,
    trigger_http_status INTEGER,
    trigger_error       TEXT,
    trigger_at          BIGINT
);
CREATE INDEX sync_sessions_project ON sync_sessions (project_id, id);
CREATE INDEX sync_sessions_running ON sync_sessions (project_id, status);

CREATE TABLE file_uploads (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id   BIGINT   NOT NULL REFERENCES projects (id),
    path         TEXT     NOT NULL,
    size         BIGINT   NOT NULL,
    mtime_ns     BIGINT   NOT NULL,
    checksum     TEXT,
    s3_key       TEXT     NOT NULL,
    status       TEXT     NOT NULL CHECK (status IN ('pending', 'uploading', 'uploaded', 'failed')),
    recheck      SMALLINT NOT NULL DEFAULT 0,
    attempts     INTEGER  NOT NULL DEFAULT 0,
    last_error   TEXT,
    session_id   BIGINT,
    claimed_by   TEXT,
    claimed_at   BIGINT,
    created_at   BIGINT   NOT NULL,
    updated_at   BIGINT   NOT NULL,
    uploaded_at  BIGINT,
    CONSTRAINT file_uploads_project_path UNIQUE (project_id, path)
);
-- the claim query (project, status, then id order) and the status counts
CREATE INDEX file_uploads_claim ON file_uploads (project_id, status, id);
-- heartbeats and releases of one worker's claims
CREATE INDEX file_uploads_claimed_by ON file_uploads (claimed_by) WHERE claimed_by IS NOT NULL;
CREATE INDEX file_uploads_session ON file_uploads (session_id, status);

CREATE TABLE config_history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id    BIGINT NOT NULL REFERENCES projects (id),
    session_id    BIGINT NOT NULL REFERENCES sync_sessions (id),
    created_at    BIGINT NOT NULL,
    config        TEXT   NOT NULL,
    changed_keys  TEXT   NOT NULL
);
CREATE INDEX config_history_project ON config_history (project_id, id);
