/**
 * Camera recording retrieval: compute and fetch the ES segments of a time range from S3 or a folder, stitch them into
 * one valid MPEG-TS ({@link io.stowage.es.EsToTsParser}), and check a TS file ({@link io.stowage.es.TsChecker}).
 */
module io.stowage.es {
    requires transitive io.stowage.s3;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;

    exports io.stowage.es;
    // the resume checkpoint (ResumeCheckpoint) is a record Jackson reads and writes by reflection
    opens io.stowage.es.internal to com.fasterxml.jackson.databind;
}
