/** JUnit 5 fixtures for Stowage's tests and users' tests: {@link io.stowage.testing.EmbeddedS3Extension}. */
module io.stowage.testing {
    requires transitive io.stowage.s3;
    requires transitive org.junit.jupiter.api;

    exports io.stowage.testing;
}
