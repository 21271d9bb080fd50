package io.stowage.des.internal;

import io.stowage.des.DesSink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

/**
 * {@link DesSink} to a local file: temporary sibling, fsync, atomic rename.
 *
 * <p>While the archive grows, every {@value #WRITEBACK_EVERY} bytes a background thread (one per sink, started at the
 * first hint) asks the kernel to write the data so far to disk ({@code fdatasync}), so the disk works while packing
 * goes on and the final fsync in {@link #commit()} has little left to do. Not thread-safe: one writer thread.
 */
public final class FileSink implements DesSink {
    static final long WRITEBACK_EVERY = 32L << 20;

    private final Path target;
    private final boolean overwrite;
    private final Path tmp;
    private final FileChannel ch;
    private boolean done;
    private long sinceWriteback;
    private CompletableFuture<Void> writeback = CompletableFuture.completedFuture(null);
    /** One thread for the writeback hints, started at the first one. */
    private java.util.concurrent.ExecutorService writer;

    public FileSink(Path target, boolean overwrite) throws IOException {
        this.target = target;
        this.overwrite = overwrite;
        if (!overwrite && Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "the archive exists; choose another name or allow overwriting (--force)");
        }
        this.tmp = AtomicFiles.tempSibling(target);
        this.ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = ch.write(src);
        sinceWriteback += n;
        if (sinceWriteback >= WRITEBACK_EVERY && writeback.isDone()) {
            sinceWriteback = 0;
            if (writer == null) {
                writer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "des-writeback");
                    t.setDaemon(true);
                    return t;
                });
            }
            writeback = CompletableFuture.runAsync(() -> {
                try {
                    ch.force(false);
                } catch (IOException ignored) {
                    // only a hint; commit() fsyncs and reports errors
                }
            }, writer);
        }
        return n;
    }

    @Override
    public boolean isOpen() {
        return ch.isOpen();
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
        writeback.join();
        stopWriter();
        ch.force(true);
        ch.close();
        AtomicFiles.commit(tmp, target, overwrite);
        done = true;
    }

    @Override
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        try {
            writeback.join();
        } catch (RuntimeException ignored) {
            // discarding anyway
        }
        stopWriter();
        try {
            ch.close();
        } catch (IOException ignored) {
            // discarding anyway
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // a leftover hidden .tmp file is harmless and never under the final name
        }
    }

    private void stopWriter() {
        if (writer != null) {
            writer.shutdown();
        }
    }

    @Override
    public String describe() {
        return target.toString();
    }
}
