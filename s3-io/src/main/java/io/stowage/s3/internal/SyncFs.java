package io.stowage.s3.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code syncfs(2)} on the file system holding a folder: everything written to that file system so far reaches the
 * disk in one call, with one cache flush, instead of one {@code fsync} (and one flush) per file. Linux only, through
 * JNA, and only from Linux 5.8, whose syncfs reports writeback errors (before, it returned 0 even when a write had
 * failed); {@link #open} says when it is not available, and callers then fsync each file.
 */
final class SyncFs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncFs.class);
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;    // 02000000 on x86-64 and aarch64 (O_DIRECTORY is not: left out)
    /**
     * File systems whose syncfs writes files out as fsync does. Not FUSE (sshfs, rclone mount, ...: its syncfs does
     * not reach the program behind it, its fsync does) nor network file systems: files there are fsynced one by one.
     */
    private static final java.util.Set<String> LOCAL = java.util.Set.of("ext2", "ext3", "ext4", "xfs", "btrfs",
            "f2fs", "zfs", "bcachefs", "tmpfs");

    /** The libc calls used; errors come as {@link LastErrorException} with errno. */
    interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int syncfs(int fd) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        String strerror(int errnum);
    }

    /** libc, loaded on first use (a holder class: the JVM makes its initialization lazy and thread-safe). */
    private static final class Lib {
        static final Optional<LibC> C = load();
    }

    private final LibC c;
    private final Path dir;
    private final long device;
    private int fd;

    private SyncFs(LibC c, Path dir, long device, int fd) {
        this.c = c;
        this.dir = dir;
        this.device = device;
        this.fd = fd;
    }

    /**
     * Opens {@code dir} (an existing folder) for {@link #sync()}; empty where syncfs cannot be used here (not Linux
     * 5.8+ on x86-64 or aarch64, JNA's native part cannot load, not a local file system, or the folder cannot be
     * opened), with the reason logged.
     */
    public static Optional<SyncFs> open(Path dir) {
        Optional<LibC> c = Lib.C;
        if (c.isEmpty()) {
            return Optional.empty();
        }
        try {
            String type = Files.getFileStore(dir).type();
            if (!LOCAL.contains(type)) {
                LOG.debug("{} is on {}, whose syncfs may not write files out as fsync does; each file is fsynced",
                        dir, type);
                return Optional.empty();
            }
            long dev = device(dir);
            int fd = c.get().open(dir.toString(), O_RDONLY | O_CLOEXEC);
            return Optional.of(new SyncFs(c.get(), dir, dev, fd));
        } catch (LastErrorException | IOException e) {
            LOG.debug("cannot open {} for syncfs ({}); each file is fsynced instead", dir, e.toString());
            return Optional.empty();
        }
    }

    private static Optional<LibC> load() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
            LOG.debug("syncfs is not used on {} {}: each downloaded file is fsynced", os, arch);
            return Optional.empty();
        }
        if (!reportsErrors(System.getProperty("os.version", ""))) {
            LOG.info("Linux {} is older than 5.8, whose syncfs reports write errors: each downloaded file is fsynced",
                    System.getProperty("os.version"));
            return Optional.empty();
        }
        try {
            return Optional.of(Native.load("c", LibC.class));
        } catch (LinkageError | RuntimeException e) {
            LOG.info("syncfs is not available ({}): each downloaded file is fsynced, which costs more CPU",
                    e.toString());
            return Optional.empty();
        }
    }

    /** Whether a kernel of this version ({@code uname -r}) reports writeback errors from syncfs (Linux 5.8 on). */
    static boolean reportsErrors(String version) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > 5 || (major == 5 && minor >= 8);
    }

    /** The device number of the file system holding {@code p} ({@code st_dev}). */
    private static long device(Path p) throws IOException {
        Object dev = Files.getAttribute(p, "unix:dev");
        return ((Number) dev).longValue();
    }

    /** Whether {@code folder} is on the file system this syncs (a mount below the opened folder is not). */
    public boolean covers(Path folder) throws IOException {
        return device(folder) == device;
    }

    /** Writes everything the file system holds in memory to disk; an error means some write failed. */
    public synchronized void sync() throws IOException {
        if (fd < 0) {
            throw new IOException("syncfs of " + dir + ": closed");
        }
        try {
            c.syncfs(fd);
        } catch (LastErrorException e) {
            throw new IOException("syncfs of the file system holding " + dir + " failed: "
                    + c.strerror(e.getErrorCode()) + " (errno " + e.getErrorCode() + ")", e);
        }
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            try {
                c.close(fd);
            } catch (LastErrorException e) {
                LOG.debug("closing {} failed: {}", dir, e.toString());
            }
            fd = -1;
        }
    }
}
