package io.stowage.testing.core;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the repository's copy of {@code test-vectors/}: the system property {@code stowage.root} (Surefire sets it to
 * the reactor root), else the nearest folder above the working directory that holds {@code test-vectors/}. The one
 * locator of the vectors for every module's tests.
 *
 * <pre>{@code
 * Path manifest = TestVectors.desV1("manifest.json");
 * Path segments = TestVectors.esSegments().resolve("segments");
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class TestVectors {
    /** The system property that names the repository root (the folder holding {@code test-vectors/}). */
    public static final String ROOT_PROPERTY = "stowage.root";

    private TestVectors() {
    }

    /**
     * The {@code test-vectors/} folder.
     *
     * @throws IllegalStateException when neither {@code stowage.root} nor a folder above the working directory holds
     *                               {@code test-vectors/}; the message names the property to set
     */
    public static Path root() {
        String prop = System.getProperty(ROOT_PROPERTY);
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
        throw new IllegalStateException("test-vectors/ not found above " + Path.of("").toAbsolutePath()
                + "; set -D" + ROOT_PROPERTY + " to the repository root");
    }

    /** A file or folder of {@code test-vectors/des-v1/}, e.g. {@code desV1("small.des")}. */
    public static Path desV1(String name) {
        return root().resolve("des-v1").resolve(name);
    }

    /** The {@code test-vectors/es-segments/} folder. */
    public static Path esSegments() {
        return root().resolve("es-segments");
    }
}
