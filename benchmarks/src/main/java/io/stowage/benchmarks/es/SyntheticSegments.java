package io.stowage.benchmarks.es;

import io.stowage.es.EsSegment;
import io.stowage.es.EsSegmentStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates ES segments of a continuous synthetic transport stream (PAT, PMT, one PES PID with PCRs; continuity
 * counters continue across segments, so stitching takes the fast path like a healthy recording), and serves them from
 * memory. Deterministic for a seed. Not thread-safe while generating; the resulting maps are read-only.
 */
final class SyntheticSegments {
    static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");

    private SyntheticSegments() {
    }

    /**
     * Segments of 4 s covering [T0, T0 + count * 4 s), each holding {@code recordsPerSegment} records of
     * {@code packetsPerRecord} packets. Keys in time order.
     */
    static Map<String, byte[]> generate(int count, int recordsPerSegment, int packetsPerRecord, long seed) {
        Random rnd = new Random(seed);
        byte[] noise = new byte[1 << 16];
        rnd.nextBytes(noise);
        int[] cc = new int[8192];
        Map<String, byte[]> out = new LinkedHashMap<>();
        long pcr = 0;
        int noiseAt = 0;
        int recordBytes = 27 + 188 * packetsPerRecord;
        for (int s = 0; s < count; s++) {
            EsSegment seg = EsSegment.of(T0.getEpochSecond() + 4L * s, 4);
            ByteBuffer b = ByteBuffer.allocate(recordBytes * recordsPerSegment).order(ByteOrder.LITTLE_ENDIAN);
            for (int r = 0; r < recordsPerSegment; r++) {
                long utc = (seg.start() * 1_000_000_000L) + (4_000_000_000L * r / recordsPerSegment);
                pcr += 27_000_000L * 4 / recordsPerSegment;
                b.put((byte) 0xA5).putShort((short) 27).putLong(utc).putLong(pcr).putLong(188L * packetsPerRecord);
                for (int p = 0; p < packetsPerRecord; p++) {
                    int pid = (r % 10 == 0 && p == 0) ? 0 : (r % 10 == 0 && p == 1) ? 4096 : 256;
                    int start = b.position();
                    b.put((byte) 0x47).put((byte) (0x40 | (pid >> 8))).put((byte) pid)
                            .put((byte) (0x10 | (cc[pid]++ & 0x0F)));
                    int n = 184;
                    if (noiseAt + n > noise.length) {
                        noiseAt = 0;
                    }
                    b.put(noise, noiseAt, n);
                    noiseAt += 61;
                    if (pid != 256) {
                        b.put(start + 1, (byte) (0x40 | (pid >> 8)));
                    } else {
                        b.put(start + 1, (byte) (pid >> 8)); // continuation packets: no unit start
                    }
                }
            }
            out.put(seg.key(), b.array());
        }
        return out;
    }

    static Instant end(int count) {
        return T0.plus(Duration.ofSeconds(4L * count));
    }

    static long totalBytes(Map<String, byte[]> segs) {
        long n = 0;
        for (byte[] b : segs.values()) {
            n += b.length;
        }
        return n;
    }

    static void writeTo(Map<String, byte[]> segs, Path dir) {
        try {
            for (Map.Entry<String, byte[]> e : segs.entrySet()) {
                Path f = dir.resolve(e.getKey());
                Files.createDirectories(f.getParent());
                Files.write(f, e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An {@link EsSegmentStore} over byte arrays (no copy until the parser reads). */
    static EsSegmentStore memoryStore(Map<String, byte[]> segs) {
        return new EsSegmentStore() {
            @Override
            public String location() {
                return "memory";
            }

            @Override
            public SegmentData open(String key) {
                byte[] b = segs.get(key);
                if (b == null) {
                    throw new io.stowage.es.EsSegmentMissingException(key, "memory");
                }
                return new SegmentData() {
                    int pos;
                    final ReadableByteChannel ch = new ReadableByteChannel() {
                        @Override
                        public int read(ByteBuffer dst) {
                            if (pos >= b.length) {
                                return -1;
                            }
                            int n = Math.min(dst.remaining(), b.length - pos);
                            dst.put(b, pos, n);
                            pos += n;
                            return n;
                        }

                        @Override
                        public boolean isOpen() {
                            return true;
                        }

                        @Override
                        public void close() {
                        }
                    };

                    @Override
                    public ReadableByteChannel channel() {
                        return ch;
                    }

                    @Override
                    public long size() {
                        return b.length;
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public List<String> list(String folder) {
                return segs.keySet().stream().filter(k -> k.startsWith(folder)).toList();
            }

            @Override
            public boolean isRemote() {
                return false;
            }
        };
    }
}
