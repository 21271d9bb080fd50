package io.stowage.des;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds archives in memory for tests. */
final class Archives {
    private Archives() {}

    /** Writes the entries (name → bytes) to a temp file and returns the archive's bytes. */
    static byte[] build(Map<String, byte[]> entries, boolean checksums) {
        try {
            Path dir = Files.createTempDirectory("des-test");
            Path out = dir.resolve("a.des");
            try (DesWriter w = DesWriter.builder(out).checksums(checksums).build()) {
                int i = 0;
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    Map<String, Object> meta = new LinkedHashMap<>();
                    meta.put("i", i++);
                    w.add(e.getKey(), e.getValue(), meta);
                }
                w.finish();
            }
            byte[] bytes = Files.readAllBytes(out);
            Files.delete(out);
            Files.delete(dir);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
