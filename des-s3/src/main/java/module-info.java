/**
 * DES v1 archives in S3: {@link io.stowage.des.s3.S3DesReader} (one suffix-range GET for footer and index, one
 * ranged GET per payload, none once the index is cached), the {@link io.stowage.des.s3.IndexCache}s (Caffeine in
 * process, Redis shared; Lettuce is optional), {@link io.stowage.des.s3.S3DesSink} (multipart upload; complete is the
 * commit) and {@link io.stowage.des.s3.S3ExternalStore} for big payloads.
 */
module io.stowage.des.s3 {
    requires transitive io.stowage.des;
    requires transitive io.stowage.s3;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;
    requires static lettuce.core;

    exports io.stowage.des.s3;
}
