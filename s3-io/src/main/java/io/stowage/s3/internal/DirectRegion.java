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
 * metadata and the disk's cache left. Regions start on a block boundary; the last region of a file is padded to a
 * whole block, and the caller truncates the file to its size once every region is written. A region's end that is
 * not at a block boundary (only where the file ends) and every write after a refused direct write go through the
 * ordinary channel instead, at the same positions.
 */
final class DirectRegion {
    /** Files from this size are written directly (small files: page cache and one syncfs for many). */
    static final long MIN_FILE = 8L << 20;
    private static final int BUFFER = 1 << 20;
    /** Buffers are aligned for blocks up to this size; larger blocks: no direct writes. */
    private static final int MAX_ALIGN = 64 << 10;
    private static final ThreadLocal<ByteBuffer> STAGE =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER + MAX_ALIGN).alignedSlice(MAX_ALIGN));

    /** A file opened for direct writes: the {@code O_DIRECT} channel and the file system's block size. */
    record Target(FileChannel channel, int align) implements AutoCloseable {
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
    static Target open(Path file) {
        FileChannel ch = null;
        try {
            long bs = Files.getFileStore(file).getBlockSize();
            if (bs <= 0 || bs > MAX_ALIGN || Long.bitCount(bs) != 1) {
                return null;
            }
            ch = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
            return new Target(ch, (int) bs);
        } catch (IOException | UnsupportedOperationException e) {
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
        this.target = target;
        this.fallback = fallback;
        this.position = start;
        this.stage = STAGE.get().clear();
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
        int n = stage.position();
        if (n == 0) {
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
                    if (e instanceof java.nio.channels.ClosedByInterruptException) {
                        throw e;
                    }
                    refused = true; // e.g. EINVAL from a file system that took O_DIRECT at open: write ordinarily
                    direct = false;
                }
            }
            position += fallback.write(stage, position);
        }
        stage.clear();
    }

    /** Whether every byte went through the direct channel so far. */
    boolean direct() {
        return !refused;
    }
}
