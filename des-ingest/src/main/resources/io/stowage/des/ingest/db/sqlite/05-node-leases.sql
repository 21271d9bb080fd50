-- Node-id leases (Stowage): one row per leased snowflake node id (0..255); times are epoch milliseconds.
-- See the PostgreSQL file for the meaning of the columns.
CREATE TABLE IF NOT EXISTS des_node_leases (
    node_id      INTEGER PRIMARY KEY,
    holder_id    VARCHAR(128) NOT NULL,
    lease_token  VARCHAR(64) NOT NULL,
    acquired_at  INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
