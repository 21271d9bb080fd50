package io.stowage.s3.internal;

import com.sun.nio.file.ExtendedOpenOption;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One region of a downloaded file, written in order with {@code O_DIRECT} through an aligned 1 MiB buffer per thread.
 * Big downloads use it: the bytes go from the buffer to the disk without a copy into the page cache, no page-cache
 * memory is allocated, dirtied and written back later, and the fsync (or syncfs) that makes the file durable has only
 * metadata and the disk's cache left. Regions start on a block boundary (the file system's block, at least 4,096
 * bytes); the last region of a file is padded to a whole block, and the caller truncates the file to its size once
 * every region is written. A region's end that is not at a block boundary (only where the file ends) and every write
 * after a refused direct write (EINVAL, the JDK's alignment check) go through the ordinary channel instead, at the
 * same positions; other write errors fail the file.
 *
 * <p>Memory: each thread that writes a region keeps a 1 MiB direct buffer (plus alignment) for its life; where that
 * memory cannot be had, {@link #open} returns null and the file is written ordinarily.
 */
final class DirectRegion implements AutoCloseable {
    /** Files from this size are written directly (small files: page cache and one syncfs for many). */
    static final long MIN_FILE = 8L << 20;
    private static final int BUFFER = 1 << 20;
    /** Buffers are aligned for blocks up to this size; larger blocks: no direct writes. */
    private static final int MAX_ALIGN = 64 << 10;
    private static final ThreadLocal<ByteBuffer> STAGE =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER + MAX_ALIGN).alignedSlice(MAX_ALIGN));
    /** Whether this thread's buffer belongs to an unfinished region (one at a time per thread). */
    private static final ThreadLocal<Boolean> IN_USE = ThreadLocal.withInitial(() -> false);
    private static final java.util.concurrent.atomic.AtomicLong DIRECT_REGIONS = new java.util.concurrent.atomic.AtomicLong();

    /** A file opened for direct writes: the {@code O_DIRECT} channel and the file system's block size. */
    public record Target(FileChannel channel, int align) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }

        /** Whether a region may start at {@code offset} (and end there, for the region before it). */
        boolean aligned(long offset) {
            return offset % align == 0;
        }
    }

    /**
     * Opens {@code file} (already created by the caller's ordinary channel) for direct writes, or null where the file
     * system refuses {@code O_DIRECT} or its block size is not a power of two up to 64 KiB.
     */
    public static Target open(Path file) {
        FileChannel ch = null;
        try {
            long bs = Math.max(4096, Files.getFileStore(file).getBlockSize()); // a disk's block may exceed the fs's
            if (bs > MAX_ALIGN || Long.bitCount(bs) != 1) {
                return null;
            }
            STAGE.get(); // the thread's buffer, allocated now so that a lack of direct memory means ordinary writes
            ch = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
            return new Target(ch, (int) bs);
        } catch (IOException | UnsupportedOperationException | OutOfMemoryError e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // not used
                }
            }
            return null;
        }
    }

    private final Target target;
    private final FileChannel fallback;
    private final ByteBuffer stage;
    private long position;
    private boolean refused;

    /**
     * @param target   the direct channel ({@link #open})
     * @param fallback an ordinary channel on the same file, for unaligned ends and after a refused direct write
     * @param start    where the region starts: a multiple of the block size
     */
    DirectRegion(Target target, FileChannel fallback, long start) {
        if (!target.aligned(start)) {
            throw new IllegalArgumentException("region start " + start + " is not a multiple of " + target.align());
        }
        if (IN_USE.get()) {
            throw new IllegalStateException("this thread's direct buffer is in use by another region");
        }
        this.target = target;
        this.fallback = fallback;
        this.position = start;
        this.stage = STAGE.get().clear();
        IN_USE.set(true);
    }

    void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int k = Math.min(stage.remaining(), len);
            stage.put(b, off, k);
            off += k;
            len -= k;
            if (!stage.hasRemaining()) {
                writeStage(stage.position());
            }
        }
    }

    /**
     * Writes what is left. At the end of the file ({@code atEnd}) the last block is padded with zeros: the caller
     * truncates the file to its size after all regions are done.
     */
    void finish(boolean atEnd) throws IOException {
        close();
        int n = stage.position();
        if (n == 0) {
            countIfDirect();
            return;
        }
        if (atEnd && !refused) {
            int padded = (n + target.align() - 1) / target.align() * target.align();
            while (stage.position() < padded) {
                stage.put((byte) 0);
            }
            writeStage(padded);
        } else {
            writeStage(n);
        }
        countIfDirect();
    }

    /** Gives the thread's buffer back; {@link #finish} does too (try-with-resources covers an abandoned region). */
    @Override
    public void close() {
        IN_USE.set(false);
    }

    private void countIfDirect() {
        if (!refused) {
            DIRECT_REGIONS.incrementAndGet();
        }
    }

    /** Regions finished with direct writes only, in this JVM (tests check that the direct path ran). */
    public static long directRegionsInThisJvm() {
        return DIRECT_REGIONS.get();
    }

    /** Writes the stage's first {@code n} bytes at the region's position: directly when aligned, else ordinarily. */
    private void writeStage(int n) throws IOException {
        stage.flip().limit(n);
        boolean direct = !refused && n % target.align() == 0;
        while (stage.hasRemaining()) {
            if (direct) {
                try {
                    position += target.channel().write(stage, position);
                    continue;
                } catch (IOException e) {
                    if (!refusal(e)) {
                        throw e; // a full disk, EIO, an interrupt: the file fails
                    }
                    refused = true; // EINVAL from a file system that took O_DIRECT at open: write ordinarily
                    direct = false;
                }
            }
            position += fallback.write(stage, position);
        }
        stage.clear();
    }

    /** Whether a failed direct write means "not this way" (EINVAL, the JDK's alignment check), not a failed disk. */
    static boolean refusal(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Invalid argument") || m.contains("block size");
    }

    /** Whether every byte went through the direct channel so far. */
    boolean direct() {
        return !refused;
    }
}
