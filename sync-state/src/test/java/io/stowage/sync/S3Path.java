package io.stowage.sync;

/**
 * The two ways s3-io reaches an endpoint, both crash-tested (issue 24): its direct HTTP path (what the command line
 * takes with {@code --endpoint}) and the SDK's (what runs against AWS; {@code -Dstowage.s3.direct=false}).
 */
enum S3Path {
    DIRECT, SDK;

    /** The JVM option a worker process gets for this path. */
    String jvmOption() {
        return "-Dstowage.s3.direct=" + (this == DIRECT ? "true" : "false");
    }

    /** What {@link UploadWorkerMain} prints for it. */
    String printed() {
        return "PATH=" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
