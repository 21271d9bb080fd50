package io.stowage.s3.internal;

import io.stowage.s3.RemoteObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The local side of a download: folders made once per run, a temporary name beside each target, writes whose
 * failures are local (not retried), the modification time, and the commit: fsync and rename per file, or batched
 * durability ({@link BatchedCommits}: one syncfs per batch, then the renames) where the root's file system allows it.
 * The writes themselves go through {@link FileChannel}s or {@link DirectRegion} (O_DIRECT). Thread-safe.
 */
final class LocalTarget {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTarget.class);
    /** A batch of finished files is synced and renamed at this many files, bytes, or this long after its first. */
    static final int BATCH_FILES = 4096;
    static final long BATCH_BYTES = 256L << 20;
    static final Duration BATCH_LINGER = Duration.ofMillis(100);
    static final String TEMP_MARKER = LocalNames.TEMP_MARKER;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[128 * 1024]);

    private final Set<Path> madeFolders = ConcurrentHashMap.newKeySet();
    private final Set<Path> sweptFolders = ConcurrentHashMap.newKeySet();
    /** Batched durability and renames, or null: each worker fsyncs and renames its own files. */
    private final BatchedCommits commits;
    /** Per folder: whether {@link #commits} covers it (same file system as the root). */
    private final Map<Path, Boolean> batchedFolders = new ConcurrentHashMap<>();

    LocalTarget(Path root, boolean batchedDurability, int workers) {
        this.commits = batchedDurability ? openCommits(root, workers) : null;
    }

    /** This thread's copy buffer (128 KiB). */
    static byte[] buffer() {
        return BUFFERS.get();
    }

    /** The committer for batched durability, or null where syncfs cannot be used (each file is fsynced then). */
    private static BatchedCommits openCommits(Path root, int workers) {
        Path at = root;
        while (at != null && !Files.isDirectory(at)) {
            at = at.getParent();   // the root may not exist yet: its nearest existing ancestor is on its file system
        }
        if (at == null) {
            return null;
        }
        try {
            return SyncFs.open(at).map(fs -> new BatchedCommits(fs, BATCH_FILES, BATCH_BYTES, BATCH_LINGER,
                    Math.max(BATCH_FILES, 4 * workers))).orElse(null);
        } catch (LinkageError e) {   // JNA left off the class path
            LOG.info("syncfs is not available ({}): each downloaded file is fsynced", e.toString());
            return null;
        }
    }

    /** Whether files of {@code dir} go through {@link #commits}: batched durability, on the root's file system. */
    boolean batched(Path dir) {
        if (commits == null) {
            return false;
        }
        return batchedFolders.computeIfAbsent(dir, d -> {
            try {
                return commits.covers(d);
            } catch (IOException e) {
                return false;
            }
        });
    }

    /**
     * Once per folder and run, before its first file is looked at: removes the temporary files a killed download left
     * there ({@code .NAME.stowage-part-HEX}; a finished or failed download removes its own). One listing of the folder
     * per run; a folder that does not exist yet has none. Two downloads into one folder at once are not supported
     * (their renames would race as well).
     */
    void sweepStaleTemps(Path dir) {
        if (!sweptFolders.add(dir)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + "*" + TEMP_MARKER + "*")) {
            for (Path p : ds) {
                if (LocalNames.isDownloadTemp(p.getFileName().toString())
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(p);
                    LOG.info("removed {}, a temporary file left by an interrupted download", p);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            // nothing there yet
        } catch (IOException e) {
            LOG.warn("cannot remove stale temporary files in {}: {}", dir, e.toString());
        }
    }

    void createFolders(Path dir) throws LocalFileException {
        if (madeFolders.contains(dir)) {
            return;   // one mkdir per folder and run, not one per file
        }
        try {
            Files.createDirectories(dir);
            madeFolders.add(dir);
        } catch (IOException e) {
            Path p = dir;
            while (p != null && !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                p = p.getParent();
            }
            if (p != null) {
                throw new LocalFileException("cannot create folder " + dir + ": a file is in the way at " + p, e);
            }
            throw new LocalFileException("cannot create folder " + dir + ": " + e, e);
        }
    }

    /** A new temporary name beside {@code target}, under the 255-byte file name limit. */
    static Path tempFor(Path target) {
        String name = target.getFileName().toString();
        if (name.length() > 50) {
            // the temporary name must stay under the 255-byte file name limit (50 chars are at most 200 UTF-8 bytes)
            name = name.substring(0, Character.isHighSurrogate(name.charAt(49)) ? 49 : 50);
        }
        return target.getParent().resolve("." + name + TEMP_MARKER
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }

    /**
     * Hands the verified {@code temp} to the batch committer: {@code done} or {@code failed} runs on the committing
     * thread once its batch is on disk. False when the committer is closing (a worker that outlived the run): then
     * {@link #commitHere} with {@code fsync} true.
     */
    boolean submit(Path temp, Path target, long size, Runnable done, Consumer<String> failed)
            throws InterruptedException {
        return commits.submit(temp, target, size, done, failed);
    }

    /**
     * Gives the verified {@code temp} its final name here: fsynced first when {@code fsync} (its own fsync was left
     * to a batch that will not come), then renamed.
     *
     * @throws LocalFileException if the file could not be made durable or renamed ({@code temp} is still there)
     */
    static void commitHere(Path temp, Path target, boolean fsync) throws LocalFileException {
        if (fsync) {
            String failure = BatchedCommits.fsync(temp);
            if (failure != null) {
                throw new LocalFileException(failure, null);
            }
        }
        String failure = BatchedCommits.rename(temp, target);
        if (failure != null) {
            throw new LocalFileException(failure, null);
        }
    }

    /** Whether batched commits are in use (then the run closes them at its end). */
    boolean batchedCommits() {
        return commits != null;
    }

    /** Commits what is complete and verified, even when cancelled; stops the committer. */
    void close() {
        if (commits != null) {
            commits.close();
        }
    }

    static void setMtime(Path temp, ObjectGet.Head resp, RemoteObject o) {
        Instant t = null;
        String m = resp == null ? null : resp.mtimeMetadata();
        if (m != null) {
            try {
                t = Instant.parse(m);
            } catch (DateTimeParseException e) {
                t = null;
            }
        }
        if (t == null) {
            t = resp != null && resp.lastModified() != null ? resp.lastModified() : o.lastModified();
        }
        if (t != null) {
            try {
                // access time too (as rclone does): given both, the JDK sets them without reading the file's first
                FileTime ft = FileTime.from(t);
                Files.getFileAttributeView(temp, BasicFileAttributeView.class).setTimes(ft, ft, null);
            } catch (IOException e) {
                LOG.debug("cannot set the modification time of {}: {}", temp, e.toString());
            }
        }
    }

    static FileChannel openTemp(Path temp) throws LocalFileException {
        try {
            return FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new LocalFileException("cannot write " + temp + ": " + e, e);
        }
    }

    /** Reads until {@code buf} is full or the stream ends; the bytes read (0 at the end). */
    static int fill(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int k = in.read(buf, n, buf.length - n);
            if (k < 0) {
                break;
            }
            n += k;
        }
        return n;
    }

    /** A write to a temporary file. */
    interface FileWrite {
        void run() throws IOException;
    }

    /** Runs {@code w}; its IOException fails the file as a local one (not retried like a network error). */
    static void writing(Path temp, FileWrite w) throws LocalFileException {
        try {
            w.run();
        } catch (IOException e) {
            throw new LocalFileException("cannot write " + temp + ": " + e, e);
        }
    }

    static void force(FileChannel ch, Path temp) throws LocalFileException {
        try {
            ch.force(true);
        } catch (IOException e) {
            throw new LocalFileException("cannot fsync " + temp + ": " + e, e);
        }
    }
}
