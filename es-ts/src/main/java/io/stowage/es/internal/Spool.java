package io.stowage.es.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Holds one fetched-ahead segment: up to {@code memoryLimit} bytes in memory, the rest in a temporary file that is
 * deleted on {@link #close()}. Written by one worker thread, then read once by the writer thread (the hand-over goes
 * through a {@code Future}, which orders the accesses).
 */
final class Spool implements Closeable {
    private final long memoryLimit;
    private final Path tempDir;
    private byte[] mem = new byte[0];
    private int memLen;
    private Path file;
    private FileChannel fileChannel;
    private long size;

    Spool(long memoryLimit, Path tempDir) {
        this.memoryLimit = memoryLimit;
        this.tempDir = tempDir;
    }

    /** Drops what was stored (before a retry). */
    void reset() throws IOException {
        memLen = 0;
        size = 0;
        if (fileChannel != null) {
            fileChannel.truncate(0);
        }
    }

    /** Copies the whole channel into the spool; {@code expected} (or -1) sizes the memory part up front. */
    void fill(ReadableByteChannel in, long expected) throws IOException {
        if (expected > 0 && expected <= memoryLimit && mem.length < expected) {
            mem = new byte[(int) expected];
        }
        ByteBuffer chunk = null;
        while (true) {
            if (size < memoryLimit) {
                if (memLen == mem.length) {
                    long grow = Math.min(memoryLimit, Math.max(64 << 10, (long) mem.length * 2));
                    mem = Arrays.copyOf(mem, (int) grow);
                }
                ByteBuffer bb = ByteBuffer.wrap(mem, memLen, (int) Math.min(mem.length - memLen, memoryLimit - size));
                int r = in.read(bb);
                if (r < 0) {
                    return;
                }
                memLen += r;
                size += r;
            } else {
                if (fileChannel == null) {
                    file = Files.createTempFile(tempDir, "stowage-es-", ".spool");
                    fileChannel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                            StandardOpenOption.DELETE_ON_CLOSE);
                }
                if (chunk == null) {
                    chunk = ByteBuffer.allocate(256 << 10);
                }
                chunk.clear();
                int r = in.read(chunk);
                if (r < 0) {
                    return;
                }
                chunk.flip();
                long pos = size - memLen;
                while (chunk.hasRemaining()) {
                    pos += fileChannel.write(chunk, pos);
                }
                size += r;
            }
        }
    }

    long size() {
        return size;
    }

    /** The stored bytes, from the start. */
    ReadableByteChannel channel() throws IOException {
        ReadableByteChannel memPart = Channels.newChannel(new java.io.ByteArrayInputStream(mem, 0, memLen));
        if (fileChannel == null) {
            return memPart;
        }
        fileChannel.position(0);
        FileChannel fc = fileChannel;
        return new ReadableByteChannel() {
            boolean inMem = true;

            @Override
            public int read(ByteBuffer dst) throws IOException {
                if (inMem) {
                    int r = memPart.read(dst);
                    if (r >= 0) {
                        return r;
                    }
                    inMem = false;
                }
                return fc.read(dst);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() throws IOException {
        mem = new byte[0];
        memLen = 0;
        if (fileChannel != null) {
            fileChannel.close();
            fileChannel = null;
            Files.deleteIfExists(file);
        }
    }
}
