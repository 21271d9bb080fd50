package io.stowage.des.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file under a temporary name in the target folder, fsyncs it, renames it over the final name and fsyncs
 * the folder: a crash leaves the old state or the new, never half a file under the real name. Thread-safe.
 */
final class AtomicFiles {
    /** Writes the body of a file to a stream. */
    @FunctionalInterface
    interface Body {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /** A temporary sibling of {@code target}: same folder, hidden, unique. */
    static Path tempSibling(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return tempIn(dir, "." + target.getFileName() + ".");
    }

    /**
     * Creates a new empty file {@code PREFIX<random>.tmp} in {@code dir} with the permissions any new file gets
     * there (the umask's), so the renamed result has them too. {@code Files.createTempFile} would make it 0600,
     * unreadable to other users unlike what tar, cp or any editor writes, and it seeds a SecureRandom first
     * (about 15 ms of a command's start-up).
     */
    private static Path tempIn(Path dir, String prefix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve(prefix + Long.toUnsignedString(
                    java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                return Files.createFile(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    static void write(Path target, Body body) throws IOException {
        Path tmp = tempSibling(target);
        boolean ok = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(ch)) {
                body.write(out);
                out.flush();
                ch.force(true);
            }
            commit(tmp, target, true);
            ok = true;
        } finally {
            if (!ok) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Renames a fully written, fsynced temporary file over {@code target} and fsyncs the folder. */
    static void commit(Path tmp, Path target, boolean replace) throws IOException {
        if (!replace && Files.exists(target)) {
            throw new java.nio.file.FileAlreadyExistsException(target.toString(), null,
                    "refusing to overwrite an existing file");
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // some file systems cannot fsync a directory; the rename itself is still atomic
        }
    }
}
