/**
 * The sync ledger and the ledgered upload: {@link io.stowage.sync.SyncLedger} records projects, sessions, every
 * file's upload state and each run's configuration on SQLite (one process) or PostgreSQL (many workers), and
 * {@link io.stowage.sync.SyncUploader} drives s3-io's {@code ParallelUploader} with it, so uploads of 300,000+ files
 * resume after a crash, skip what is done without S3 requests, and split across machines.
 */
module io.stowage.sync {
    requires transitive io.stowage.s3;
    requires java.sql;
    requires org.jdbi.v3.core;
    requires com.zaxxer.hikari;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;
    requires org.slf4j;

    exports io.stowage.sync;
    // Jackson writes the public records (SessionSummary, the reports) and reads nothing by reflection
    opens io.stowage.sync to com.fasterxml.jackson.databind;
}
