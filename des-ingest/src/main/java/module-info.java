/** DES ingest: DesPacker and what feeds it (source connectors from YAML over JDBC, shard locks, container catalogue, crash recovery, marker, node-id leases) in PostgreSQL or SQLite state. */
module io.stowage.des.ingest {
    requires transitive io.stowage.des;
    requires transitive io.stowage.des.s3;
    requires transitive io.stowage.s3;
    requires transitive org.jdbi.v3.core;
    requires transitive micrometer.core;
    requires java.sql;
    requires java.management;
    requires com.zaxxer.hikari;
    requires com.github.benmanes.caffeine;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.slf4j;

    exports io.stowage.des.ingest;
}
