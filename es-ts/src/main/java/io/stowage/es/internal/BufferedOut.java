package io.stowage.es.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32;

/**
 * Buffers writes to a channel, counting bytes and keeping the CRC-32 of everything written (for resume checks).
 * Not thread-safe.
 */
final class BufferedOut implements Stitcher.Sink {
    private final WritableByteChannel ch;
    private final CRC32 crc;
    private final byte[] buf = new byte[1 << 20];
    private int n;
    private long written;

    BufferedOut(WritableByteChannel ch, CRC32 crc, long alreadyWritten) {
        this.ch = ch;
        this.crc = crc;
        this.written = alreadyWritten;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        crc.update(b, off, len);
        written += len;
        if (len >= buf.length / 2) {
            flush();
            writeFully(ByteBuffer.wrap(b, off, len));
            return;
        }
        if (n + len > buf.length) {
            flush();
        }
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    void flush() throws IOException {
        if (n > 0) {
            writeFully(ByteBuffer.wrap(buf, 0, n));
            n = 0;
        }
    }

    private void writeFully(ByteBuffer bb) throws IOException {
        while (bb.hasRemaining()) {
            ch.write(bb);
        }
    }

    long written() {
        return written;
    }

    long crc() {
        return crc.getValue();
    }
}
