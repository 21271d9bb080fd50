package io.stowage.transcode.jobs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes read and throws {@link TranscodeJobsTooLargeException} at the first byte over the limit (so an
 * oversized upload stops there). Not thread-safe: one reader.
 */
final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private final String name;
    private long count;

    LimitedInputStream(InputStream in, long limit, String name) {
        super(in);
        this.limit = limit;
        this.name = name;
    }

    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        add(s);
        return s;
    }

    @Override
    public void close() {
        // the caller owns the stream
    }

    private void add(long n) {
        count += n;
        if (count > limit) {
            throw new TranscodeJobsTooLargeException(name, limit, count);
        }
    }
}
