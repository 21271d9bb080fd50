-- Node-id leases (Stowage): one row per leased snowflake node id (0..255). A name generator (marker, packer,
-- serve des) holds its node id through a lease renewed by heartbeat, so two live processes never share one.
-- lease_token is random per acquisition: only the process that acquired the lease renews or releases it.
-- Times come from the database clock (clock_timestamp()), so machines with skewed clocks agree on expiry.
CREATE TABLE IF NOT EXISTS des_node_leases (
    node_id      INTEGER PRIMARY KEY,
    holder_id    VARCHAR(128) NOT NULL,
    lease_token  VARCHAR(64) NOT NULL,
    acquired_at  TIMESTAMPTZ NOT NULL,
    heartbeat_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
