/**
 * S3 access for Stowage: one client factory ({@link io.stowage.s3.S3Settings}), single-object access for every module
 * ({@link io.stowage.s3.S3Objects}: list, HEAD, GET, ranged GET, presigned GET, streamed PUT), the ETag and
 * transient-error rules ({@link io.stowage.s3.ETags}, {@link io.stowage.s3.S3Errors}), the one retry configuration
 * ({@link io.stowage.s3.RetrySettings}), the directory walker ({@link io.stowage.s3.FileTree}), the parallel
 * {@link io.stowage.s3.ParallelUploader} and {@link io.stowage.s3.ParallelDownloader}, stale multipart clean-up and
 * {@link io.stowage.s3.EmbeddedS3}, an in-process S3 endpoint over a local folder (needs S3Proxy on the class path).
 */
module io.stowage.s3 {
    requires transitive software.amazon.awssdk.services.s3;
    requires transitive software.amazon.awssdk.core;
    requires transitive software.amazon.awssdk.awscore;
    requires transitive software.amazon.awssdk.regions;
    requires transitive software.amazon.awssdk.auth;
    requires transitive software.amazon.awssdk.identity.spi;
    requires software.amazon.awssdk.utils;
    requires software.amazon.awssdk.retries;
    requires software.amazon.awssdk.retries.api;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.apache;
    requires software.amazon.awssdk.http.auth.aws;
    requires software.amazon.awssdk.http.auth.spi;
    requires java.xml;
    requires software.amazon.awssdk.http.nio.netty;
    requires org.slf4j;
    requires transitive dev.failsafe.core;   // RetrySettings.policy() returns a Failsafe RetryPolicy (module name of failsafe 3.3.2)
    requires com.sun.jna;
    requires jdk.unsupported; // com.sun.nio.file.ExtendedOpenOption.DIRECT for big downloads (DirectRegion)

    exports io.stowage.s3;
}
