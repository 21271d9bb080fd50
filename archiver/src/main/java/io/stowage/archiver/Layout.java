package io.stowage.archiver;

import java.nio.file.Path;

/**
 * The resolved folders of one archiver: input, output, trash, and the archiver's own files (lock, log), which are
 * never taken for recordings. Immutable, so thread-safe.
 */
record Layout(Path input, Path output, Path trash, Path lockFile, Path logFile) {
    /** The trees in the order they are scanned. */
    enum Tree { INPUT, OUTPUT, TRASH }

    static Layout of(Path input, ArchiveOptions o) {
        Path in = input.toAbsolutePath().normalize();
        return new Layout(in, abs(o.output(), in.resolve("archived")), abs(o.trash(), in.resolve(".deleted")),
                abs(o.lockFile(), in.resolve(".stowage-archiver.lock")), abs(o.logFile(), in.resolve("archiver.log")));
    }

    private static Path abs(Path p, Path dflt) {
        return p == null ? dflt : p.toAbsolutePath().normalize();
    }

    Path root(Tree t) {
        return switch (t) {
            case INPUT -> input;
            case OUTPUT -> output;
            case TRASH -> trash;
        };
    }

    /** True for a folder that belongs to another tree than {@code walking} (e.g. the output inside the input). */
    boolean otherTree(Tree walking, Path dir) {
        for (Tree t : Tree.values()) {
            if (t != walking && dir.equals(root(t)) && !root(t).equals(root(walking))) {
                return true;
            }
        }
        return false;
    }

    /** True for the lock file, the log file and its rotations ({@code archiver.log.1}, {@code archiver.log.gz}). */
    boolean ownFile(Path file) {
        return ownFile(file.getFileName().toString(), file);
    }

    /** {@link #ownFile(Path)} with the name already at hand: the path is compared only when the name matches. */
    boolean ownFile(String name, Path file) {
        String log = logFile.getFileName().toString();
        if (name.startsWith(log)) {
            Path logDir = logFile.getParent();
            return logDir != null && logDir.equals(file.getParent());
        }
        return name.equals(lockFile.getFileName().toString()) && file.equals(lockFile);
    }

    /** True for a transcoder's temporary output ({@code .stowage-tmp-*}). */
    static boolean temporary(String name) {
        return name.startsWith(".stowage-tmp-");
    }
}
