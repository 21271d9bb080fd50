package io.stowage.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads exactly {@code length} bytes of a file from {@code offset}; a file that became shorter fails with
 * {@link ChangedDuringTransferException} instead of sending fewer bytes. Not thread-safe (one request body).
 */
final class RangeInputStream extends InputStream {
    private final FileChannel ch;
    private final Path file;
    private long pos;
    private final long end;

    public RangeInputStream(Path file, long offset, long length) throws IOException {
        this.ch = FileChannel.open(file, StandardOpenOption.READ);
        this.file = file;
        this.pos = offset;
        this.end = offset + length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= end) {
            return -1;
        }
        int want = (int) Math.min(len, end - pos);
        int n = ch.read(ByteBuffer.wrap(b, off, want), pos);
        if (n < 0) {
            throw new ChangedDuringTransferException(file + " became shorter while it was read (ended at byte " + pos
                    + ", expected " + end + ")");
        }
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - pos);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
