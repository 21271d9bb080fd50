/** DES ingest: DesPacker and what feeds it (source connectors from YAML over JDBC, shard locks, container catalogue, crash recovery, marker, node-id leases) in PostgreSQL or SQLite state. */
module io.stowage.des.ingest {
    requires org.slf4j;

    // exports io.stowage...: added with the first public class
}
