package io.stowage.cli;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * A folder's entries with their kinds. On Linux (x86-64, aarch64) the kinds come from {@code getdents64(2)}'s
 * {@code d_type}, read a few thousand entries per call through JNA, so walking a folder of 100,000 files needs no
 * {@code lstat} per file (that was 2.6 µs a file, two thirds of {@code des pack}'s walk). An entry whose file system
 * does not fill {@code d_type} is looked up with {@code lstat}; elsewhere, or when libc's {@code getdents64} (glibc
 * 2.30+) cannot be loaded, the JDK lists the folder and every entry is looked up.
 */
final class FolderListing {
    enum Kind { FILE, FOLDER, OTHER }

    /** One entry: its file name and kind (a symbolic link is OTHER: never followed). */
    record Entry(String name, Kind kind) {
    }

    private static final int O_RDONLY = 0;
    /** 04000 on x86-64 and aarch64: a FIFO put in a folder's place never blocks the open. */
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000; // 02000000 on x86-64 and aarch64
    /** 0200000 on x86-64, 040000 on aarch64: anything but a folder fails to open (ENOTDIR). */
    private static final int O_DIRECTORY = System.getProperty("os.arch", "").equals("aarch64") ? 0x4000 : 0x10000;
    private static final int DT_UNKNOWN = 0;
    private static final int DT_DIR = 4;
    private static final int DT_REG = 8;
    private static final int BUFFER = 256 << 10;

    /** The libc calls used; errors come as {@link LastErrorException} with errno. */
    interface LibC extends Library {
        int open(byte[] path, int flags) throws LastErrorException;

        long getdents64(int fd, Pointer buf, long count) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        String strerror(int errnum);
    }

    /** libc with getdents64, or null (loaded on first use; a holder class makes that lazy and thread-safe). */
    private static final class Lib {
        static final LibC C = load();

        private static LibC load() {
            String arch = System.getProperty("os.arch", "");
            if (!System.getProperty("os.name", "").equals("Linux")
                    || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
                return null;
            }
            try {
                LibC c = Native.load("c", LibC.class);
                com.sun.jna.NativeLibrary.getInstance("c").getFunction("getdents64"); // glibc 2.30+
                return c;
            } catch (LinkageError | RuntimeException e) {
                return null;
            }
        }
    }

    /** File names are bytes; the JDK turns them into strings with this charset, and so do we. */
    private static final Charset NAMES = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    private final boolean useNative;
    /** getdents64's buffer and its copy on the heap, reused for every folder. */
    private Memory buf;
    private byte[] chunk;

    /** A listing that reads kinds from getdents64 where it can ({@code useNative}), else asks the JDK. */
    FolderListing(boolean useNative) {
        this.useNative = useNative;
    }

    /** Whether listings here can come from getdents64. */
    static boolean nativeAvailable() {
        return Lib.C != null;
    }

    /** The entries of {@code dir} in the order the file system gives them ("." and ".." left out). */
    List<Entry> list(Path dir) throws IOException {
        LibC c = useNative ? Lib.C : null;
        return c != null ? listNative(c, dir) : listJdk(dir);
    }

    private static List<Entry> listJdk(Path dir) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                out.add(new Entry(name, lstatOrFile(dir, name)));
            }
        } catch (java.nio.file.DirectoryIteratorException e) {
            throw e.getCause();
        }
        return out;
    }

    private List<Entry> listNative(LibC c, Path dir) throws IOException {
        byte[] path = (dir.toString() + "\0").getBytes(NAMES);
        int fd;
        try {
            fd = c.open(path, O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException(dir + ": " + c.strerror(e.getErrorCode()));
        }
        if (buf == null) {
            buf = new Memory(BUFFER);
            chunk = new byte[BUFFER];
        }
        List<Entry> out = new ArrayList<>();
        try {
            while (true) {
                long n;
                try {
                    n = c.getdents64(fd, buf, BUFFER);
                } catch (LastErrorException e) {
                    throw new IOException(dir + ": " + c.strerror(e.getErrorCode()));
                }
                if (n <= 0) {
                    break;
                }
                buf.read(0, chunk, 0, (int) n);
                parse(ByteBuffer.wrap(chunk, 0, (int) n).order(ByteOrder.nativeOrder()), dir, out);
            }
        } finally {
            try {
                c.close(fd);
            } catch (LastErrorException ignored) {
                // read-only descriptor: nothing is lost
            }
        }
        return out;
    }

    /** Records of {@code struct linux_dirent64}: u64 ino, s64 off, u16 reclen, u8 type, NUL-terminated name. */
    private static void parse(ByteBuffer b, Path dir, List<Entry> out) throws IOException {
        byte[] raw = b.array();
        int p = 0;
        int end = b.limit();
        while (p < end) {
            int reclen = b.getShort(p + 16) & 0xffff;
            int type = b.get(p + 18) & 0xff;
            int nameAt = p + 19;
            int nameEnd = nameAt;
            while (nameEnd < p + reclen && raw[nameEnd] != 0) {
                nameEnd++;
            }
            if (reclen == 0) {
                throw new IOException(dir + ": malformed directory listing from getdents64");
            }
            p += reclen;
            int len = nameEnd - nameAt;
            if ((len == 1 && raw[nameAt] == '.') || (len == 2 && raw[nameAt] == '.' && raw[nameAt + 1] == '.')) {
                continue;
            }
            String name = new String(raw, nameAt, len, NAMES);
            Kind kind = switch (type) {
                case DT_REG -> Kind.FILE;
                case DT_DIR -> Kind.FOLDER;
                case DT_UNKNOWN -> lstatOrFile(dir, name);
                default -> Kind.OTHER;
            };
            out.add(new Entry(name, kind));
        }
    }

    /**
     * The kind of {@code dir/name}; FILE when the JVM cannot represent the name as a path (a non-ASCII name in the C
     * locale): the walker then reports that file as failed instead of the whole listing failing.
     */
    private static Kind lstatOrFile(Path dir, String name) throws IOException {
        Path p;
        try {
            p = dir.resolve(name);
        } catch (java.nio.file.InvalidPathException e) {
            return Kind.FILE;
        }
        return lstat(p);
    }

    private static Kind lstat(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.isRegularFile() ? Kind.FILE : a.isDirectory() ? Kind.FOLDER : Kind.OTHER;
    }
}
