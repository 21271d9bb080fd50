package io.stowage.des;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.util.zip.CRC32C;

/**
 * The bytes of an archive on their way to its {@link DesSink}, for {@link DesWriter}: one 1 MiB direct buffer in
 * front of the sink, the archive position, and the read-ahead runs ({@link ReadAhead}) that skip the buffer. Payloads
 * are copied once (source → buffer → sink), or not at all through the buffer when a read-ahead run is long.
 *
 * <p>Read-ahead bytes are {@link #claim claimed} (counted in {@link #position()}) while they still lie in their batch
 * buffer, and must be {@link #writeUnwritten written} before any other byte: every other write checks that.
 *
 * <p>Not thread-safe: the writer's thread only.
 */
final class ArchiveOutput {
    static final int BUFFER = 1 << 20;
    /** Runs of read-ahead bytes at least this long skip the buffer (one copy less). */
    private static final int WRITE_THROUGH = 16 << 10;

    private final DesSink sink;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    private long position;
    /** Read-ahead bytes counted in {@link #position} but still in their batch buffer (see writeUnwritten). */
    private int unwritten;

    ArchiveOutput(DesSink sink) {
        this.sink = sink;
    }

    /** Buffers the 16-byte header (magic, version 1, reserved). */
    void writeHeader() {
        buf.put(DesFooter.HEADER_MAGIC).put((byte) 1).put(new byte[7]);
        position = DesFooter.HEADER_SIZE;
    }

    /** Bytes of the archive so far, claimed read-ahead bytes included. */
    long position() {
        return position;
    }

    /** Counts {@code size} read-ahead bytes that follow the previously claimed ones in their batch buffer. */
    void claim(int size) {
        position += size;
        unwritten += size;
    }

    /** Copies {@code src} (position to limit, consumed) through the buffer. */
    void putBytes(ByteBuffer src, CRC32C c) throws IOException {
        checkNothingUnwritten();
        if (c != null) {
            int p = src.position();
            c.update(src);
            src.position(p);
        }
        int lim = src.limit();
        while (src.hasRemaining()) {
            if (!buf.hasRemaining()) {
                flush();
            }
            int n = Math.min(buf.remaining(), lim - src.position());
            src.limit(src.position() + n);
            buf.put(src);
            src.limit(lim);
            position += n;
        }
    }

    /**
     * Copies exactly {@code size} bytes from {@code src} through the buffer and proves the source has no more: each
     * read asks for one byte past the end, so a source that grew is caught. For a file a short read means end of
     * file, which saves a separate end-of-file probe per small file (the hot path when packing many files).
     */
    long putChannel(ReadableByteChannel src, long size, CRC32C c, String what) throws IOException {
        checkNothingUnwritten();
        boolean shortReadIsEof = src instanceof FileChannel;
        long remaining = size;
        while (true) {
            if (buf.remaining() < Math.min(remaining + 1, BUFFER)) {
                flush();
            }
            int start = buf.position();
            int lim = (int) Math.min(buf.remaining(), remaining + 1);
            ByteBuffer view = buf.duplicate();
            view.limit(start + lim);
            int n = src.read(view);
            if (n < 0) {
                if (remaining == 0) {
                    return size;
                }
                throw new IOException(what + " ended after " + (size - remaining) + " of " + size
                        + " bytes: it changed during packing; pack it again once it is complete");
            }
            if (n > remaining) {
                throw new IOException(what + " grew beyond " + size + " bytes while it was packed; pack it again"
                        + " once it is complete");
            }
            if (c != null && n > 0) {
                ByteBuffer written = buf.duplicate();
                written.position(start).limit(start + n);
                c.update(written);
            }
            buf.position(start + n);
            remaining -= n;
            position += n;
            if (remaining == 0 && shortReadIsEof && n < lim) {
                return size;
            }
        }
    }

    /**
     * Writes the read-ahead bytes that entries have claimed (ending at {@code data}'s position): a batch's files lie
     * back to back in its buffer as they will in the archive, so the whole run goes to the sink in one write instead
     * of being copied through the buffer file by file.
     */
    void writeUnwritten(ByteBuffer data) throws IOException {
        if (unwritten == 0) {
            return;
        }
        ByteBuffer run = data.duplicate();
        run.limit(data.position()).position(data.position() - unwritten);
        unwritten = 0;
        if (run.remaining() < WRITE_THROUGH && run.remaining() <= buf.remaining()) {
            buf.put(run);
            return;
        }
        flush();
        while (run.hasRemaining()) {
            sink.write(run);
        }
    }

    /** Read-ahead bytes claimed by entries must reach the sink before any byte after them. */
    private void checkNothingUnwritten() {
        if (unwritten != 0) {
            throw new IllegalStateException(unwritten + " read-ahead bytes not yet written");
        }
    }

    /** Writes the buffer to the sink. */
    void flush() throws IOException {
        checkNothingUnwritten();
        buf.flip();
        while (buf.hasRemaining()) {
            sink.write(buf);
        }
        buf.clear();
    }
}
