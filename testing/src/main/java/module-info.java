/**
 * JUnit 5 fixtures for Stowage's tests and users' tests that need s3-io:
 * {@link io.stowage.testing.EmbeddedS3Extension}. The fixtures without a Stowage dependency (lying S3, vectors,
 * PostgreSQL schema, Redis prefix, media) are in {@code io.stowage.testing.core}, which this module brings along.
 */
module io.stowage.testing {
    requires transitive io.stowage.s3;
    requires transitive io.stowage.testing.core;
    requires transitive org.junit.jupiter.api;

    exports io.stowage.testing;
}
