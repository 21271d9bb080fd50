package io.stowage.s3.internal;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A folder on a file system that supports what a test needs (O_DIRECT, syncfs): the test's own temporary folder when
 * its file system does, else a new folder under the first candidate that does (the build's {@code target}, then
 * {@code /var/tmp}, then the home folder; removed when the JVM exits), else the test is aborted (reported skipped) with a
 * message naming every file system tried. Never a silent skip. Stateless; thread-safe.
 */
public final class SupportingFolders {
    private SupportingFolders() {}

    /** A folder where {@link DirectRegion#open} gives O_DIRECT, preferring {@code tempDir}. */
    public static Path oDirect(Path tempDir) {
        return find(tempDir, "O_DIRECT", SupportingFolders::directWorks);
    }

    /** A folder where {@link SyncFs#open} gives syncfs, preferring {@code tempDir}. */
    public static Path syncfs(Path tempDir) {
        return find(tempDir, "syncfs (Linux 5.8+, a local file system)", dir -> {
            Optional<SyncFs> fs = SyncFs.open(dir);
            fs.ifPresent(SyncFs::close);
            return fs.isPresent();
        });
    }

    /** Whether O_DIRECT works in {@code dir} (a probe file, removed). */
    public static boolean directWorks(Path dir) {
        try {
            Path probe = Files.createTempFile(dir, "probe", ".bin");
            try (DirectRegion.Target t = DirectRegion.open(probe)) {
                return t != null;
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static Path find(Path tempDir, String what, Predicate<Path> works) {
        List<String> tried = new ArrayList<>();
        if (works.test(tempDir)) {
            return tempDir;
        }
        tried.add(tempDir + " (" + type(tempDir) + ")");
        for (Path base : List.of(Path.of(System.getProperty("user.dir"), "target"), Path.of("/var/tmp"),
                Path.of(System.getProperty("user.home")))) {
            if (!Files.isDirectory(base) || !Files.isWritable(base)) {
                continue;
            }
            try {
                Path dir = Files.createTempDirectory(base, "stowage-test-");
                if (works.test(dir)) {
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                    return dir;
                }
                tried.add(base + " (" + type(base) + ")");
                deleteTree(dir);
            } catch (IOException e) {
                tried.add(base + " (" + e + ")");
            }
        }
        Assumptions.abort(what + " is not available on any file system tried: " + String.join(", ", tried)
                + "; this test needs it");
        throw new AssertionError("unreachable");
    }

    private static String type(Path p) {
        try {
            return Files.getFileStore(p).type();
        } catch (IOException e) {
            return "unknown: " + e;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: a folder of the build's target or a temporary folder
        }
    }
}
