package io.stowage.des;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's copy of test-vectors/ (system property stowage.root, else walking up from the cwd). */
final class Vectors {
    static final ObjectMapper JSON = new ObjectMapper();

    private Vectors() {}

    static Path root() {
        String prop = System.getProperty("stowage.root");
        if (prop != null && Files.isDirectory(Path.of(prop, "test-vectors"))) {
            return Path.of(prop, "test-vectors");
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("test-vectors"))) {
                return p.resolve("test-vectors");
            }
            p = p.getParent();
        }
        throw new IllegalStateException("test-vectors/ not found above " + Path.of("").toAbsolutePath());
    }

    static Path des(String file) {
        return root().resolve("des-v1").resolve(file);
    }

    static JsonNode manifest() {
        return json(root().resolve("des-v1/manifest.json"));
    }

    static JsonNode json(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
