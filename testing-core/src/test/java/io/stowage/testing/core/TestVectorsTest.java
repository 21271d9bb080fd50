package io.stowage.testing.core;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** The locator finds the repository's vectors from a module folder. */
class TestVectorsTest {
    @Test
    void findsTheVectors() {
        assertThat(TestVectors.root()).isDirectory().endsWith(java.nio.file.Path.of("test-vectors"));
        assertThat(Files.isRegularFile(TestVectors.desV1("manifest.json"))).isTrue();
        assertThat(TestVectors.esSegments().resolve("segments")).isDirectory();
    }
}
