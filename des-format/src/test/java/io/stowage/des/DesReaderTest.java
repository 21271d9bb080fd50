package io.stowage.des;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DesReaderTest {
    @TempDir
    Path tmp;

    private static Map<String, byte[]> sample(int n, int size) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[size];
            java.util.Arrays.fill(b, (byte) i);
            m.put("f" + i, b);
        }
        return m;
    }

    @Test
    void readAllMergesAdjacentEntriesIntoOneRead() {
        Map<String, byte[]> entries = sample(50, 1000);
        byte[] archive = Archives.build(entries, true);
        Archives.BytesChannel ch = new Archives.BytesChannel(archive, Integer.MAX_VALUE);
        try (DesReader r = DesReader.open(ch, "mem", DesReadOptions.defaults())) {
            int before = ch.reads;
            List<String> names = new ArrayList<>(entries.keySet());
            java.util.Collections.reverse(names);
            Map<String, ByteBuffer> got = r.readAll(names);
            assertThat(ch.reads - before).isEqualTo(1);
            assertThat(got.keySet()).containsExactlyElementsOf(names);
            entries.forEach((k, v) -> assertThat(got.get(k)).isEqualTo(ByteBuffer.wrap(v)));
        }
        // with a zero gap and a tiny max merged read, every entry is its own read
        Archives.BytesChannel ch2 = new Archives.BytesChannel(archive, Integer.MAX_VALUE);
        try (DesReader r = DesReader.open(ch2, "mem", DesReadOptions.defaults().withMaxMergedRead(1000))) {
            int before = ch2.reads;
            r.readAll(entries.keySet());
            assertThat(ch2.reads - before).isEqualTo(50);
        }
        assertThatThrownBy(() -> Archives.open(archive).readAll(List.of("f1", "nope")))
                .isInstanceOf(DesEntryNotFoundException.class).hasMessageContaining("nope");
    }

    @Test
    void concurrentReadersSeeTheRightBytes() throws Exception {
        Map<String, byte[]> entries = sample(200, 333);
        Path p = tmp.resolve("c.des");
        Files.write(p, Archives.build(entries, true));
        for (boolean mmap : new boolean[] {true, false}) {
            try (DesReader r = DesReader.open(p, DesReadOptions.defaults().withMemoryMap(mmap))) {
                ExecutorService pool = Executors.newFixedThreadPool(4);
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    fs.add(pool.submit(() -> {
                        byte[] dst = new byte[333];
                        for (int round = 0; round < 20; round++) {
                            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                                r.read(e.getKey(), dst, 0);
                                assertThat(dst).isEqualTo(e.getValue());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
                pool.shutdown();
            }
        }
    }

    @Test
    void unimplementedFlagsGiveATypedErrorNotBytes() {
        byte[] archive = Archives.build(sample(2, 10), false);
        // set COMPRESSED on the first record: flags are the last 4 bytes of the record (2 + 2 + 36 bytes)
        ByteBuffer b = ByteBuffer.wrap(archive).order(ByteOrder.LITTLE_ENDIAN);
        long indexStart = b.getLong(archive.length - 72 + 48);
        int flagsAt = (int) indexStart + 2 + 2 + 32;
        b.putInt(flagsAt, DesEntry.FLAG_COMPRESSED);
        try (DesReader r = Archives.open(archive)) {
            assertThatThrownBy(() -> r.read("f0")).isInstanceOfSatisfying(DesUnsupportedException.class,
                    e -> assertThat(e.flags()).isEqualTo(2)).hasMessageContaining("COMPRESSED");
            assertThat(r.read("f1")).isEqualTo(ByteBuffer.wrap(sample(2, 10).get("f1")));
            assertThat(r.verify().problems()).singleElement()
                    .satisfies(pr -> assertThat(pr.type()).isEqualTo("DesUnsupportedException"));
        }
    }

    @Test
    void flippedPayloadByteIsCaughtByEveryReadPath() throws Exception {
        Map<String, byte[]> entries = sample(3, 100);
        byte[] archive = Archives.build(entries, true);
        archive[16 + 150] ^= 0x40; // inside f1's payload
        Path p = tmp.resolve("flip.des");
        Files.write(p, archive);
        try (DesReader r = DesReader.open(p)) {
            assertThatThrownBy(() -> r.read("f1")).isInstanceOf(DesChecksumException.class)
                    .hasMessageContaining("f1");
            assertThatThrownBy(() -> r.read("f1", new byte[100], 0)).isInstanceOf(DesChecksumException.class);
            assertThatThrownBy(() -> r.readAll(List.of("f0", "f1"))).isInstanceOf(DesChecksumException.class);
            assertThatThrownBy(() -> {
                try (InputStream in = r.openStream("f1")) {
                    in.readAllBytes();
                }
            }).isInstanceOf(DesChecksumException.class);
            assertThat(r.read("f0")).isEqualTo(ByteBuffer.wrap(entries.get("f0")));
            DesVerifyReport rep = r.verify();
            assertThat(rep.ok()).isFalse();
            assertThat(rep.problems()).singleElement().satisfies(pr -> {
                assertThat(pr.entry()).isEqualTo("f1");
                assertThat(pr.field()).isEqualTo("index[1].meta.crc32c");
            });
        }
        // unverified reads are possible on request
        try (DesReader r = DesReader.open(p, DesReadOptions.defaults().withVerifyChecksums(false))) {
            assertThat(r.read("f1").remaining()).isEqualTo(100);
        }
    }

    @Test
    void missingEntryNamesArchiveAndEntry() {
        try (DesReader r = Archives.open(Archives.build(sample(1, 1), true))) {
            assertThatThrownBy(() -> r.read("x.jpg")).isInstanceOfSatisfying(DesEntryNotFoundException.class, e -> {
                assertThat(e.entry()).isEqualTo("x.jpg");
                assertThat(e.archive()).isEqualTo("mem.des");
            });
            assertThat(r.contains("f0")).isTrue();
            assertThat(r.contains("x.jpg")).isFalse();
        }
    }

    @Test
    void missingArchiveFileIsAnIoError() {
        assertThatThrownBy(() -> DesReader.open(tmp.resolve("none.des"))).isInstanceOf(DesIoException.class)
                .hasMessageContaining("no such archive");
    }
}
