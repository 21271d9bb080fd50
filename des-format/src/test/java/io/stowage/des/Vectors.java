package io.stowage.des;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.testing.core.TestVectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The DES vectors as des-format's tests read them (JSON through Jackson); testing-core's TestVectors finds them. */
final class Vectors {
    static final ObjectMapper JSON = new ObjectMapper();

    private Vectors() {}

    static Path root() {
        return TestVectors.root();
    }

    static Path des(String file) {
        return TestVectors.desV1(file);
    }

    static JsonNode manifest() {
        return json(des("manifest.json"));
    }

    static JsonNode json(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
