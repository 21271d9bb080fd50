package io.stowage.des;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds archives in memory for tests. */
final class Archives {
    private Archives() {}

    /** Writes the entries (name → bytes) into memory (no disk, no fsync: property tests build thousands). */
    static byte[] build(Map<String, byte[]> entries, boolean checksums) {
        MemorySink sink = new MemorySink();
        try (DesWriter w = DesWriter.builder(sink).checksums(checksums).build()) {
            int i = 0;
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                Map<String, Object> meta = new LinkedHashMap<>();
                meta.put("i", i++);
                w.add(e.getKey(), e.getValue(), meta);
            }
            w.finish();
        }
        return sink.committed();
    }

    /** A {@link DesSink} into a byte array; the bytes are visible only after commit. */
    static final class MemorySink implements DesSink {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private byte[] committed;
        private boolean open = true;

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            byte[] b = new byte[n];
            src.get(b);
            out.write(b, 0, n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            abort();
        }

        @Override
        public void commit() {
            committed = out.toByteArray();
            open = false;
        }

        @Override
        public void abort() {
            open = false;
        }

        @Override
        public String describe() {
            return "memory";
        }

        byte[] committed() {
            if (committed == null) {
                throw new IllegalStateException("not committed");
            }
            return committed;
        }
    }

    static DesReader open(byte[] archive) {
        return DesReader.open(new BytesChannel(archive, Integer.MAX_VALUE), "mem.des", DesReadOptions.defaults());
    }

    /** A read-only in-memory channel that returns at most {@code maxPerRead} bytes per read, counting reads. */
    static final class BytesChannel implements SeekableByteChannel {
        private final byte[] data;
        private final int maxPerRead;
        private long position;
        private boolean open = true;
        int reads;

        BytesChannel(byte[] data, int maxPerRead) {
            this.data = data;
            this.maxPerRead = maxPerRead;
        }

        @Override
        public int read(ByteBuffer dst) {
            reads++;
            if (position >= data.length) {
                return -1;
            }
            int n = (int) Math.min(Math.min(dst.remaining(), maxPerRead), data.length - position);
            dst.put(data, (int) position, n);
            position += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            position = newPosition;
            return this;
        }

        @Override
        public long size() {
            return data.length;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
