/** DES ingest: DesPacker and what feeds it (source connectors from YAML over JDBC, shard locks, container catalogue, crash recovery, marker, node-id leases) in PostgreSQL or SQLite state. */
package io.stowage.des.ingest;
