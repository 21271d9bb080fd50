package io.stowage.es.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A read window over a channel for the streaming parsers ({@link RecordParser}, {@link TsAnalyzer}): bytes
 * {@code a[lo, hi)} are buffered, {@code base + lo} is the stream offset of {@code a[lo]}. The parser reads and
 * advances {@code lo} directly (these fields are its hot path); {@link #fill} slides the unread bytes to the front
 * and reads more, growing the array up to {@code maxCapacity} when one unit needs more.
 *
 * <p>Not thread-safe: one per parser.
 */
final class SlidingBuffer {
    /** The buffered bytes are {@code a[lo, hi)}. */
    byte[] a;
    int lo;
    int hi;
    /** Stream offset of {@code a[0]}. */
    long base;
    /** Whether the channel reported its end. */
    boolean eof;
    private ByteBuffer view;
    private final int maxCapacity;

    /**
     * @param capacity    initial size of the array
     * @param maxCapacity largest size it grows to (at least {@code capacity})
     */
    SlidingBuffer(int capacity, int maxCapacity) {
        this.a = new byte[capacity];
        this.view = ByteBuffer.wrap(a);
        this.maxCapacity = Math.max(capacity, maxCapacity);
    }

    /** Forgets the buffered bytes: the next stream starts at offset 0. */
    void reset() {
        lo = 0;
        hi = 0;
        base = 0;
        eof = false;
    }

    /** Stream offset of {@code a[lo]}. */
    long position() {
        return base + lo;
    }

    /** Ensures {@code n} bytes from {@code lo} are buffered; false at end of stream with fewer. */
    boolean fill(ReadableByteChannel ch, int n) throws IOException {
        if (hi - lo >= n) {
            return true;
        }
        if (eof) {
            return false;
        }
        if (a.length - lo < n) {
            byte[] target = a;
            if (n > a.length) {
                target = new byte[Math.max(n, Math.min(a.length * 2, maxCapacity))];
            }
            System.arraycopy(a, lo, target, 0, hi - lo);
            if (target != a) {
                a = target;
                view = ByteBuffer.wrap(a);
            }
            base += lo;
            hi -= lo;
            lo = 0;
        }
        while (hi - lo < n) {
            view.limit(a.length).position(hi);
            int r = ch.read(view);
            if (r < 0) {
                eof = true;
                return false;
            }
            hi += r;
        }
        return true;
    }
}
