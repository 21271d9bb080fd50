package io.stowage.archiver;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One archiver per input: an OS lock on a file holding the owner's pid. The OS drops the lock when its process dies,
 * so a stale file of a dead process is taken over (and said in the log). Not thread-safe; one per run.
 */
final class LockFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LockFile.class);
    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private LockFile(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    static LockFile acquire(Path path) {
        FileChannel ch = null;
        try {
            Files.createDirectories(path.getParent());
            ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            String previous = read(ch);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                long pid = parsePid(previous);
                ch.close();
                throw new ArchiveLockedException(path, pid);
            }
            if (!previous.isBlank()) {
                long pid = parsePid(previous);
                boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                LOG.warn("taking over the stale lock {} of process {} ({}); its run ended without releasing it",
                        path, pid, alive ? "alive but not locking" : "no longer running");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(true);
            return new LockFile(path, ch, lock);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new ArchiveIoException(path, "cannot create the lock file", e);
        } catch (java.nio.channels.OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new ArchiveLockedException(path, ProcessHandle.current().pid());
        }
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64);
        ch.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
    }

    private static long parsePid(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // already failing
            }
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
            lock.release();
            channel.close();
        } catch (IOException e) {
            LOG.warn("cannot remove the lock file {}: {}", path, e.toString());
        }
    }
}
