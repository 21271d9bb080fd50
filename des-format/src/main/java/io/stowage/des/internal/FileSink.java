package io.stowage.des.internal;

import com.sun.nio.file.ExtendedOpenOption;
import io.stowage.des.DesSink;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * {@link DesSink} to a local file: temporary sibling, fsync, atomic rename.
 *
 * <p><b>Direct writes</b> (the default where the file system takes them): the archive's bytes are gathered in a few
 * {@value #STAGE}-byte buffers aligned to the file system's block size and written with {@code O_DIRECT} by one
 * background thread ({@code des-writeback}) while the writer fills the next buffer. The bytes go from our buffer to
 * the disk: no copy into the page cache, no page-cache memory to allocate and later write back, and the final fsync
 * has only the file's metadata and the disk's cache left to flush. The last, partial buffer is padded to a whole
 * block, written, and the file is then truncated to its exact length before the fsync. The price: right after
 * packing, the archive is not in the page cache (a read of it goes to the disk).
 *
 * <p>Writes are aligned to the file system's block size and at least 4,096 bytes (a file system's block can be
 * smaller than the disk's). Where {@code O_DIRECT} is refused (tmpfs before Linux 6.6, some FUSE file systems) at the
 * open, the first write refuses it (EINVAL or the JDK's alignment check), or the block size does not divide the
 * buffer, the sink writes through the page cache instead, and every {@value #WRITEBACK_EVERY} bytes a background
 * thread asks the kernel to write the data so far to disk ({@code fdatasync}), so the final fsync has little left to
 * do; a refused last (padded) write is written through the page cache too. The constructor's {@code direct} flag set
 * to {@code false} chooses the page cache from the start. Other write errors (a full disk, EIO) fail the sink.
 *
 * <p>Memory: three direct buffers of 4 MiB (plus alignment) per open sink, freed when it is collected.
 *
 * <p>Not thread-safe: one writer thread.
 */
public final class FileSink implements DesSink {
    static final long WRITEBACK_EVERY = 32L << 20;
    /** Size of one direct-write buffer: a multiple of every block size up to 4 MiB. */
    static final int STAGE = 4 << 20;
    /** Buffers in flight: one being filled, the others being written. */
    private static final int STAGES = 3;

    private final Path target;
    private final boolean overwrite;
    private final Path tmp;
    private FileChannel ch;
    private boolean done;

    // direct mode (null stage = buffered mode)
    private int align;
    private ByteBuffer stage;
    private BlockingQueue<ByteBuffer> free;
    private boolean probed;
    private long stagePosition;
    private volatile IOException ioError;

    // buffered mode
    private long sinceWriteback;
    private java.util.concurrent.Future<?> writeback;

    /** One thread for the background writes (direct) or writeback hints (buffered), started when first needed. */
    private ExecutorService io;

    public FileSink(Path target, boolean overwrite) throws IOException {
        this(target, overwrite, true);
    }

    /**
     * @param direct whether to try {@code O_DIRECT} writes (see the class comment); with {@code false}, writes go
     *               through the page cache
     */
    FileSink(Path target, boolean overwrite, boolean direct) throws IOException {
        this(target, overwrite, direct, UnaryOperator.identity());
    }

    /** @param wrapDirect wraps the {@code O_DIRECT} channel (tests inject refused writes with it) */
    FileSink(Path target, boolean overwrite, boolean direct, UnaryOperator<FileChannel> wrapDirect)
            throws IOException {
        this.target = target;
        this.overwrite = overwrite;
        if (!overwrite && Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "the archive exists; choose another name or allow overwriting (--force)");
        }
        this.tmp = AtomicFiles.tempSibling(target);
        boolean ok = false;
        try {
            if (direct) {
                openDirect(wrapDirect);
            }
            if (ch == null) {
                ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
            }
            ok = true;
        } finally {
            if (!ok) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Whether this sink writes with {@code O_DIRECT} (for tests and diagnostics). */
    boolean direct() {
        return stage != null;
    }

    private void openDirect(UnaryOperator<FileChannel> wrap) {
        try {
            int bs = Math.max(4096, Math.toIntExact(Files.getFileStore(tmp).getBlockSize()));
            if (bs > STAGE || STAGE % bs != 0) {
                return;
            }
            ch = wrap.apply(FileChannel.open(tmp, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT));
            align = bs;
            free = new ArrayBlockingQueue<>(STAGES);
            stage = alignedBuffer();
        } catch (IOException | UnsupportedOperationException | ArithmeticException e) {
            // O_DIRECT refused (EINVAL on open), unknown block size, or no such option: write through the page cache
            closeQuietly();
            ch = null;
            stage = null;
        }
    }

    /**
     * A {@value #STAGE}-byte buffer starting on a block boundary. Exactly STAGE: the aligned slice of the larger
     * allocation is STAGE + align bytes when the allocation happens to start aligned, which made the stages (and the
     * number of writes) depend on where the JVM put the buffer.
     */
    private ByteBuffer alignedBuffer() {
        return stageOf(ByteBuffer.allocateDirect(STAGE + align), align);
    }

    /** The {@value #STAGE} bytes of {@code raw} ({@code STAGE + align} bytes) that start on a block boundary. */
    static ByteBuffer stageOf(ByteBuffer raw, int align) {
        return raw.alignedSlice(align).slice(0, STAGE);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (done) {
            throw new ClosedChannelException();
        }
        if (stage == null) {
            return writeBuffered(src);
        }
        int n = src.remaining();
        while (src.hasRemaining()) {
            if (!stage.hasRemaining()) {
                submitStage();
                if (stage == null) { // fell back to the page cache
                    writeBuffered(src);
                    return n - src.remaining();
                }
            }
            int k = Math.min(stage.remaining(), src.remaining());
            int lim = src.limit();
            src.limit(src.position() + k);
            stage.put(src);
            src.limit(lim);
        }
        return n;
    }

    /** Hands the full stage to the writing thread and takes a free one (waits while all are in flight). */
    private void submitStage() throws IOException {
        checkIo();
        ByteBuffer full = stage.flip();
        long at = stagePosition;
        stagePosition += full.remaining();
        if (!probed) {
            // The first write runs here: a file system that accepted O_DIRECT at open may still refuse the write
            // (EINVAL); then everything goes through the page cache from here on, this buffer included.
            probed = true;
            try {
                writeFully(full, at);
            } catch (IOException e) {
                if (!refusal(e)) {
                    throw e;
                }
                fallBackToBuffered(full, at);
                return;
            }
            stage = full.clear();
            return;
        }
        if (io == null) {
            io = startIoThread();
            for (int i = 1; i < STAGES; i++) {
                free.add(alignedBuffer());
            }
        }
        io.execute(() -> {
            try {
                if (ioError == null) {
                    writeFully(full, at);
                }
            } catch (IOException e) {
                ioError = e;
            } catch (Throwable t) { // never a silent hole in the archive: commit() must fail
                ioError = new IOException(t.toString(), t);
            } finally {
                free.add(full.clear());
            }
        });
        try {
            stage = free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing " + target);
        }
    }

    /**
     * Whether a failed direct write means "not this way" (EINVAL, the JDK's alignment check) rather than a failed
     * disk: only then may the same bytes go through the page cache.
     */
    static boolean refusal(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Invalid argument") || m.contains("block size");
    }

    private void writeFully(ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    private void fallBackToBuffered(ByteBuffer pending, long at) throws IOException {
        ch.close();
        ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
        stage = null;
        free = null;
        pending.position(0);
        writeFully(pending, at);
        ch.position(at + pending.limit());
        ch.truncate(at + pending.limit()); // a refused direct write may have left a partial block behind
        sinceWriteback = at + pending.limit();
    }

    private void checkIo() throws IOException {
        IOException e = ioError;
        if (e != null) {
            throw new IOException("writing " + target + " failed: " + e.getMessage(), e);
        }
    }

    private int writeBuffered(ByteBuffer src) throws IOException {
        int n = ch.write(src);
        sinceWriteback += n;
        if (sinceWriteback >= WRITEBACK_EVERY && (writeback == null || writeback.isDone())) {
            sinceWriteback = 0;
            if (io == null) {
                io = startIoThread();
            }
            writeback = io.submit(() -> {
                try {
                    ch.force(false);
                } catch (IOException ignored) {
                    // only a hint; commit() fsyncs and reports errors
                }
            });
        }
        return n;
    }

    private static ExecutorService startIoThread() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "des-writeback");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public boolean isOpen() {
        return !done && ch.isOpen();
    }

    @Override
    public void close() {
        abort();
    }

    @Override
    public void commit() throws IOException {
        if (done) {
            throw new IllegalStateException("sink for " + target + " already committed or aborted");
        }
        if (stage != null) {
            finishDirect();
        } else {
            drainIo();
        }
        ch.force(true);
        ch.close();
        AtomicFiles.commit(tmp, target, overwrite);
        done = true;
    }

    /** Writes the last partial stage padded to a whole block, waits for all writes, cuts the padding off. */
    private void finishDirect() throws IOException {
        int tail = stage.position();
        long length = stagePosition + tail;
        int padded = (tail + align - 1) / align * align;
        while (stage.position() < padded) {
            stage.put((byte) 0);
        }
        drainIo();
        checkIo();
        ByteBuffer last = stage.flip();
        probed = true;
        try {
            writeFully(last, stagePosition);
        } catch (IOException e) {
            // a small archive's first write, or a padded last block the disk refuses: through the page cache
            if (!refusal(e)) {
                throw e;
            }
            last.limit(tail);
            fallBackToBuffered(last, stagePosition);
            return;
        }
        if (padded != tail) {
            ch.truncate(length);
        }
    }

    /** Waits until the background thread has done everything handed to it, then stops it. */
    private void drainIo() throws IOException {
        if (io == null) {
            return;
        }
        io.shutdown();
        try {
            while (!io.awaitTermination(1, TimeUnit.MINUTES)) {
                // a write to a slow disk; keep waiting (the caller asked for a durable archive)
            }
        } catch (InterruptedException e) {
            io.shutdownNow();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing " + target);
        }
        io = null;
    }

    @Override
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        if (io != null) {
            io.shutdownNow();
            try {
                io.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly();
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // a leftover hidden .tmp file is harmless and never under the final name
        }
    }

    private void closeQuietly() {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // discarding anyway
            }
        }
    }

    @Override
    public String describe() {
        return target.toString();
    }
}
