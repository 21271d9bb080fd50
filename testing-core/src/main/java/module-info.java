/**
 * JUnit 5 test fixtures with no Stowage dependency, usable by every module's tests (s3-io's included):
 * {@link io.stowage.testing.core.LyingS3}, {@link io.stowage.testing.core.TestVectors},
 * {@link io.stowage.testing.core.PgSchema}, {@link io.stowage.testing.core.TestRedis},
 * {@link io.stowage.testing.core.MediaGenerator} and {@link io.stowage.testing.core.WireLog}.
 */
module io.stowage.testing.core {
    requires transitive org.junit.jupiter.api;
    requires java.sql;
    requires jdk.httpserver;
    requires java.net.http;

    exports io.stowage.testing.core;
}
