package io.stowage.es.internal;

import io.stowage.es.Vectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The streaming record parser: reference vectors, byte-at-a-time input, round trips and corruption properties. */
class RecordParserTest {
    static final long START_S = 1735732800L;
    static final long END_S = START_S + 4;

    /** A record as written or as parsed. */
    record Rec(long offset, long utc, long pcr, byte[] payload) {
    }

    /** A skipped range. */
    record Skip(long offset, long length, String reason) {
    }

    static final class Collect implements RecordParser.Sink {
        final List<Rec> recs = new ArrayList<>();
        final List<Skip> skips = new ArrayList<>();
        final List<Long> empties = new ArrayList<>();

        @Override
        public void record(long offset, long utcNs, long pcr27Mhz, byte[] buf, int pos, int len) {
            recs.add(new Rec(offset, utcNs, pcr27Mhz, Arrays.copyOfRange(buf, pos, pos + len)));
        }

        @Override
        public void skipped(long offset, long length, String reason) {
            skips.add(new Skip(offset, length, reason));
        }

        @Override
        public void empty(long offset) {
            empties.add(offset);
        }
    }

    /** Returns at most {@code max} bytes per read. */
    static ReadableByteChannel chunked(byte[] data, int max) {
        ReadableByteChannel in = Channels.newChannel(new ByteArrayInputStream(data));
        return new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                if (!dst.hasRemaining()) {
                    return 0;
                }
                ByteBuffer small = ByteBuffer.allocate(Math.min(max, dst.remaining()));
                int r = in.read(small);
                if (r > 0) {
                    small.flip();
                    dst.put(small);
                }
                return r;
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

    static Collect parse(byte[] data, int chunk) throws IOException {
        Collect c = new Collect();
        new RecordParser(1 << 20, -1).parse(chunked(data, chunk), data.length, START_S * 1_000_000_000L - 10_000_000_000L,
                END_S * 1_000_000_000L + 10_000_000_000L, c);
        return c;
    }

    static byte[] header(long utc, long pcr, long size) {
        return ByteBuffer.allocate(27).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0xA5).putShort((short) 27)
                .putLong(utc).putLong(pcr).putLong(size).array();
    }

    static List<Rec> randomRecords(Random rnd, int n) {
        List<Rec> recs = new ArrayList<>();
        long off = 0;
        for (int i = 0; i < n; i++) {
            int packets = 1 + rnd.nextInt(8);
            byte[] payload = new byte[packets * 188];
            rnd.nextBytes(payload);
            for (int p = 0; p < payload.length; p += 188) {
                payload[p] = 0x47;
            }
            long utc = START_S * 1_000_000_000L + (long) (rnd.nextDouble() * 4e9);
            recs.add(new Rec(off, utc, rnd.nextLong() & 0xFFFFFFFFFFL, payload));
            off += 27 + payload.length;
        }
        return recs;
    }

    static byte[] serialise(List<Rec> recs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Rec r : recs) {
            out.writeBytes(header(r.utc(), r.pcr(), r.payload().length));
            out.writeBytes(r.payload());
        }
        return out.toByteArray();
    }

    @Test
    void readsEveryReferenceRecord() throws IOException {
        List<Vectors.Rec> want = Vectors.records();
        byte[] full = Vectors.expectedFull();
        int i = 0;
        for (String key : Vectors.keys()) {
            Path f = Vectors.segments().resolve(key);
            Collect c = new Collect();
            long s = Long.parseLong(key.substring(key.lastIndexOf('/') + 1, key.indexOf('-')));
            try (FileChannel ch = FileChannel.open(f)) {
                new RecordParser(1 << 20, 0xA5).parse(ch, ch.size(), s * 1_000_000_000L, (s + 4) * 1_000_000_000L, c);
            }
            assertThat(c.skips).isEmpty();
            for (Rec r : c.recs) {
                Vectors.Rec w = want.get(i++);
                assertThat(w.key()).isEqualTo(key);
                assertThat(r.utc()).isEqualTo(w.utcNs());
                assertThat(r.pcr()).isEqualTo(w.pcr());
                assertThat(r.payload()).isEqualTo(Arrays.copyOfRange(full, (int) w.fullOffset(),
                        (int) w.fullOffset() + w.size()));
            }
        }
        assertThat(i).isEqualTo(want.size());
    }

    @Test
    void inputFedOneByteAtATimeGivesTheSameResult() throws IOException {
        Path f = Vectors.segments().resolve(Vectors.keys().get(2));
        byte[] data = Files.readAllBytes(f);
        byte[] damaged = Arrays.copyOf(data, data.length + 100);
        damaged[27 * 3 + 1316 * 3 + 5] ^= 0x7F; // inside the fourth record's header
        for (byte[] d : List.of(data, damaged)) {
            Collect whole = parse(d, Integer.MAX_VALUE);
            Collect bytewise = parse(d, 1);
            assertThat(bytewise.recs).usingRecursiveFieldByFieldElementComparator().isEqualTo(whole.recs);
            assertThat(bytewise.skips).isEqualTo(whole.skips);
        }
    }

    @Test
    void unknownSizeReliesOnEndOfStream() throws IOException {
        byte[] data = serialise(randomRecords(new Random(1), 20));
        byte[] cut = Arrays.copyOf(data, data.length - 100);
        Collect c = new Collect();
        new RecordParser(1 << 20, -1).parse(chunked(cut, 4096), -1, 0, Long.MAX_VALUE, c);
        assertThat(c.recs).hasSize(19);
        assertThat(c.skips).hasSize(1);
        assertThat(c.skips.get(0).reason()).contains("truncated record");
    }

    @Test
    void hugeDeclaredSizeIsRejectedWithoutAllocating() throws IOException {
        byte[] data = header(START_S * 1_000_000_000L, 0, Long.MAX_VALUE);
        Collect c = parse(data, 7);
        assertThat(c.recs).isEmpty();
        assertThat(c.skips).containsExactly(new Skip(0, 27, c.skips.get(0).reason()));
        assertThat(c.skips.get(0).reason()).contains("exceeds the limit");
    }

    /** Regression: bytes lost inside a record's last packet kept every sync byte in place and were delivered. */
    @Test
    void bytesLostInsideTheLastPacketAreNotDeliveredAsPayload() throws IOException {
        List<Rec> recs = randomRecords(new Random(11), 6);
        byte[] data = serialise(recs);
        Rec victim = recs.get(2);
        int at = (int) victim.offset() + 27 + victim.payload().length - 100; // inside its last packet
        byte[] cut = new byte[data.length - 40];
        System.arraycopy(data, 0, cut, 0, at);
        System.arraycopy(data, at + 40, cut, at, data.length - at - 40);
        Collect c = parse(cut, 4096);
        for (Rec got : c.recs) {
            assertThat(recs.stream().anyMatch(o -> Arrays.equals(o.payload(), got.payload()))).isTrue();
        }
        assertThat(c.recs).extracting(Rec::offset).doesNotContain(victim.offset());
        assertThat(c.skips.get(0).offset()).isEqualTo(victim.offset());
        assertThat(c.skips.get(0).reason()).contains("inserted into or lost from it");
        assertThat(c.recs).hasSize(4); // the victim and the neighbour whose header it swallowed are lost
    }

    /** Regression: garbage inserted inside a record's last packet was delivered as its payload. */
    @Test
    void garbageInsideTheLastPacketIsNotDeliveredAsPayload() throws IOException {
        List<Rec> recs = randomRecords(new Random(12), 6);
        byte[] data = serialise(recs);
        Rec victim = recs.get(3);
        int at = (int) victim.offset() + 27 + victim.payload().length - 50;
        byte[] junk = new byte[231];
        new Random(5).nextBytes(junk);
        byte[] d = new byte[data.length + junk.length];
        System.arraycopy(data, 0, d, 0, at);
        System.arraycopy(junk, 0, d, at, junk.length);
        System.arraycopy(data, at, d, at + junk.length, data.length - at);
        Collect c = parse(d, 4096);
        assertThat(c.recs).hasSize(5);
        for (Rec got : c.recs) {
            assertThat(recs.stream().anyMatch(o -> Arrays.equals(o.payload(), got.payload()))).isTrue();
        }
        assertThat(c.skips).containsExactly(new Skip(victim.offset(), 27 + victim.payload().length + 231,
                c.skips.get(0).reason()));
    }

    @Test
    void startCodeIsCheckedWhenConfigured() throws IOException {
        List<Rec> recs = randomRecords(new Random(3), 3);
        byte[] data = serialise(recs);
        data[(int) recs.get(1).offset()] = 0x11;
        Collect c = new Collect();
        new RecordParser(1 << 20, 0xA5).parse(Channels.newChannel(new ByteArrayInputStream(data)), data.length, 0,
                Long.MAX_VALUE, c);
        assertThat(c.recs).hasSize(2);
        assertThat(c.skips.get(0).reason()).contains("start code 0x11, expected 0xA5");
    }

    @Property(tries = 300)
    void randomRecordStreamsRoundTrip(@ForAll long seed, @ForAll @IntRange(min = 0, max = 60) int n,
            @ForAll @IntRange(min = 1, max = 5000) int chunk) throws IOException {
        Random rnd = new Random(seed);
        List<Rec> recs = randomRecords(rnd, n);
        Collect c = parse(serialise(recs), chunk);
        assertThat(c.skips).isEmpty();
        assertThat(c.recs).usingRecursiveFieldByFieldElementComparator().isEqualTo(recs);
    }

    @Property(tries = 200)
    void recordsSplitIntoSegmentsGiveBackThePayload(@ForAll long seed) throws IOException {
        Random rnd = new Random(seed);
        List<Rec> recs = randomRecords(rnd, 1 + rnd.nextInt(80));
        ByteArrayOutputStream original = new ByteArrayOutputStream();
        recs.forEach(r -> original.writeBytes(r.payload()));
        ByteArrayOutputStream parsed = new ByteArrayOutputStream();
        int i = 0;
        while (i < recs.size()) {
            int take = 1 + rnd.nextInt(Math.min(20, recs.size() - i));
            Collect c = parse(serialise(recs.subList(i, i + take)), 1 + rnd.nextInt(3000));
            assertThat(c.skips).isEmpty();
            c.recs.forEach(r -> parsed.writeBytes(r.payload()));
            i += take;
        }
        assertThat(parsed.toByteArray()).isEqualTo(original.toByteArray());
    }

    /**
     * Any corruption of headers or sync bytes, truncation or inserted garbage: every delivered record is an original
     * record, in order; every untouched record is delivered; what is not delivered lies in a reported skip.
     */
    @Property(tries = 400)
    void everyCorruptionIsReportedAndNeverGivesWrongBytes(@ForAll long seed) throws IOException {
        Random rnd = new Random(seed);
        List<Rec> recs = randomRecords(rnd, 2 + rnd.nextInt(30));
        byte[] data = serialise(recs);
        boolean[] touched = new boolean[recs.size()];
        boolean[] mayDrop = new boolean[recs.size()];
        int kind = rnd.nextInt(6);
        switch (kind) {
            case 0 -> { // corrupt 1..4 header or sync bytes
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    int r = rnd.nextInt(recs.size());
                    Rec rec = recs.get(r);
                    int pos;
                    if (rnd.nextBoolean()) {
                        pos = (int) rec.offset() + 1 + rnd.nextInt(26);
                    } else {
                        pos = (int) rec.offset() + 27 + 188 * rnd.nextInt(rec.payload().length / 188);
                    }
                    byte before = data[pos];
                    data[pos] = (byte) (before ^ (1 + rnd.nextInt(255)));
                    touched[r] = true;
                }
            }
            case 1 -> { // truncate
                int cut = rnd.nextInt(data.length);
                data = Arrays.copyOf(data, cut);
                for (int r = 0; r < recs.size(); r++) {
                    touched[r] = recs.get(r).offset() + 27 + recs.get(r).payload().length > cut;
                }
            }
            case 4, 5 -> { // insert or delete bytes inside the payload of a record that is not the last
                // (deletion: a whole record must follow the damaged neighbour, see RecordParser's limits)
                int r = kind == 4 ? rnd.nextInt(recs.size() - 1) : rnd.nextInt(Math.max(1, recs.size() - 2));
                if (kind == 5 && recs.size() < 3) {
                    break;
                }
                Rec rec = recs.get(r);
                int at = (int) rec.offset() + 27 + 1 + rnd.nextInt(rec.payload().length - 1);
                byte[] d;
                if (kind == 4) {
                    byte[] junk = new byte[1 + rnd.nextInt(400)];
                    rnd.nextBytes(junk);
                    d = new byte[data.length + junk.length];
                    System.arraycopy(data, 0, d, 0, at);
                    System.arraycopy(junk, 0, d, at, junk.length);
                    System.arraycopy(data, at, d, at + junk.length, data.length - at);
                } else {
                    int del = 1 + rnd.nextInt(Math.min(100, (int) rec.offset() + 27 + rec.payload().length - at));
                    d = new byte[data.length - del];
                    System.arraycopy(data, 0, d, 0, at);
                    System.arraycopy(data, at + del, d, at, data.length - at - del);
                    touched[r + 1] = true; // the next header may be eaten by the shifted record
                }
                touched[r] = true;
                data = d;
            }
            default -> { // insert garbage at a record boundary, or append it
                int r = kind == 2 ? rnd.nextInt(recs.size()) : recs.size();
                if (r == recs.size()) {
                    // appended garbage that happens to look like TS packets makes the last record untrusted
                    mayDrop[recs.size() - 1] = true;
                }
                if (r > 0 && r < recs.size()) {
                    // garbage between records looks like bytes inserted into the previous record: that record
                    // may be dropped (reported), never delivered with wrong bytes
                    mayDrop[r - 1] = true;
                }
                int at = r == recs.size() ? data.length : (int) recs.get(r).offset();
                byte[] junk = new byte[1 + rnd.nextInt(400)];
                rnd.nextBytes(junk);
                byte[] d = new byte[data.length + junk.length];
                System.arraycopy(data, 0, d, 0, at);
                System.arraycopy(junk, 0, d, at, junk.length);
                System.arraycopy(data, at, d, at + junk.length, data.length - at);
                data = d;
            }
        }
        Collect c = parse(data, 1 + rnd.nextInt(2000));
        // delivered payloads are original payloads, in order (utc/pcr may have been corrupted in place)
        int j = 0;
        for (Rec got : c.recs) {
            while (j < recs.size() && !Arrays.equals(recs.get(j).payload(), got.payload())) {
                j++;
            }
            assertThat(j).as("delivered record at %d is not an original record in order", got.offset())
                    .isLessThan(recs.size());
            j++;
        }
        // every untouched record is delivered
        List<byte[]> delivered = c.recs.stream().map(Rec::payload).toList();
        for (int r = 0; r < recs.size(); r++) {
            boolean nextTouched = r + 1 < recs.size() && touched[r + 1] || mayDrop[r];
            if (!touched[r] && !nextTouched && kind == 0) {
                // a corrupted neighbour's utc/pcr bytes do not hide this record (a successor whose header is
                // damaged beyond recognition may make it be held and dropped: never wrong bytes)
                byte[] p = recs.get(r).payload();
                assertThat(delivered.stream().anyMatch(d -> Arrays.equals(d, p))).as("record %d", r).isTrue();
            }
            if (!touched[r] && !nextTouched && kind != 0) {
                byte[] p = recs.get(r).payload();
                assertThat(delivered.stream().anyMatch(d -> Arrays.equals(d, p))).as("record %d", r).isTrue();
            }
        }
        // reported skips and delivered records tile the input exactly
        long covered = c.skips.stream().mapToLong(Skip::length).sum() + 27L * c.empties.size();
        for (Rec got : c.recs) {
            covered += 27 + got.payload().length;
        }
        assertThat(covered).isEqualTo(data.length);
        if (kind != 0 || c.recs.size() < recs.size()) {
            assertThat(c.skips.size() + c.recs.size()).isGreaterThan(0);
        }
    }
}
