/**
 * Camera recording retrieval: compute and fetch the ES segments of a time range from S3 or a folder, stitch them into
 * one valid MPEG-TS ({@link io.stowage.es.EsToTsParser}), and check a TS file ({@link io.stowage.es.TsChecker}).
 */
module io.stowage.es {
    requires transitive io.stowage.s3;
    requires org.slf4j;

    exports io.stowage.es;
}
