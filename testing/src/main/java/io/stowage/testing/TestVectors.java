package io.stowage.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the repository's copy of {@code test-vectors/}: the system property {@code stowage.root} (Surefire sets it to
 * the reactor root), else the nearest folder above the working directory that holds {@code test-vectors/}.
 *
 * <p>{@code Path manifest = TestVectors.root().resolve("des-v1/manifest.json");}
 *
 * <p>Stateless and thread-safe.
 */
public final class TestVectors {
    private TestVectors() {}

    /** The {@code test-vectors/} folder. */
    public static Path root() {
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
        throw new IllegalStateException("test-vectors/ not found above " + Path.of("").toAbsolutePath()
                + "; set -Dstowage.root to the repository root");
    }
}
