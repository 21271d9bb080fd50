/** Small programs that compose whole pipelines; {@code stowage demo} runs them. */
module io.stowage.examples {
    requires io.stowage.des;
    requires io.stowage.transcode;
    requires io.stowage.es;
    requires io.stowage.s3;
    requires io.stowage.sync;
    requires io.stowage.des.s3;
    requires io.stowage.archiver;
    requires io.stowage.des.ingest;
    requires io.stowage.transcode.jobs;
    requires io.stowage.service;
    requires java.net.http;
    requires java.sql;
    requires lettuce.core;
    requires org.slf4j;
    exports io.stowage.examples;
}
