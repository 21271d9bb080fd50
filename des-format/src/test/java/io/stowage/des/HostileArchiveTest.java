package io.stowage.des;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Regression tests of issue 17 for des-format, one per defect, named after it. Runs in the small-heap surefire
 * execution ({@code -Xmx256m}, see the pom): a reader that sizes anything from a claim of the archive fails here.
 */
@org.junit.jupiter.api.Tag("small-heap")
class HostileArchiveTest {
    @TempDir
    Path tmp;

    /** A channel that counts what it is given (standing in for stdout or the unpacked file). */
    static final class CountingChannel implements WritableByteChannel {
        long written;

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            written += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @ParameterizedTest(name = "memoryMap={0}")
    @ValueSource(booleans = {true, false})
    void desCatWritesNoByteOfAnEntryWhoseChecksumFails(boolean memoryMap) throws IOException {
        Path day = tmp.resolve("day.des");
        byte[] big = random(2 << 20, 1);
        try (DesWriter w = DesWriter.builder(day).build()) {
            w.add("small", "hello".getBytes(StandardCharsets.UTF_8), null);
            w.add("big.bin", big, null);
            w.finish();
        }
        long payloadAt;
        try (DesReader r = DesReader.open(day)) {
            payloadAt = r.entry("big.bin").dataOffset();
        }
        try (RandomAccessFile f = new RandomAccessFile(day.toFile(), "rw")) {   // the last MiB is damaged
            long at = payloadAt + big.length - 1000;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
        try (DesReader r = DesReader.open(day, DesReadOptions.defaults().withMemoryMap(memoryMap))) {
            CountingChannel out = new CountingChannel();
            assertThatThrownBy(() -> r.transferTo("big.bin", out)).isInstanceOf(DesChecksumException.class);
            assertThat(out.written).as("bytes written before the checksum failed").isZero();
            assertThatThrownBy(() -> r.openVerified("big.bin")).isInstanceOf(DesChecksumException.class);
            assertThat(r.transferTo("small", out)).isEqualTo(5);   // the reader stays usable
        }
    }

    @Test
    void desCatWritesNoByteOfAnExternalObjectWhoseChecksumFails() throws IOException {
        Path day = tmp.resolve("ext.des");
        Path store = tmp.resolve("bucket");
        byte[] big = random(DesPayloads.SPOOL_IN_MEMORY + 4096, 2);   // spooled through a temporary file
        byte[] mid = random(1 << 20, 3);                              // spooled in memory
        try (DesWriter w = DesWriter.builder(day).externalThreshold(4096)
                .externalStore(ExternalStore.directory(store), "p").build()) {
            w.add("big.mp4", big, null);
            w.add("mid.mp4", mid, null);
            w.finish();
        }
        DesReadOptions opts = DesReadOptions.defaults().withExternalStore(ExternalStore.directory(store));
        try (DesReader r = DesReader.open(day, opts)) {
            CountingChannel ok = new CountingChannel();
            assertThat(r.transferTo("big.mp4", ok)).isEqualTo(big.length);
        }
        for (String name : new String[] {"big.mp4", "mid.mp4"}) {
            Path object = store.resolve("p/_bigFiles/" + name);
            byte[] altered = Files.readAllBytes(object);
            altered[altered.length - 10] ^= 1;
            Files.write(object, altered);
            try (DesReader r = DesReader.open(day, opts)) {
                CountingChannel out = new CountingChannel();
                assertThatThrownBy(() -> r.transferTo(name, out)).isInstanceOf(DesChecksumException.class);
                assertThat(out.written).as("bytes of %s written before its checksum failed", name).isZero();
            }
        }
        try (var spools = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(spools.filter(p -> p.getFileName().toString().endsWith(".spool")
                    && p.getFileName().toString().startsWith("stowage-des-")).count())
                    .as("spool files left behind").isZero();
        }
    }

    @Test
    void desIndexParseAllocatesFromFileCountBeforeCheckingIt() throws IOException {
        assertThat(Runtime.getRuntime().maxMemory()).as("this test runs in the -Xmx256m surefire execution")
                .isLessThanOrEqualTo(300L << 20);
        // a sparse file: 1.5 GiB of nothing whose footer claims an index of all of it, as many records as fit
        Path sparse = tmp.resolve("sparse.des");
        long size = 3L << 29;
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength(size);
            f.write("DESHEAD1".getBytes(StandardCharsets.US_ASCII));
            f.write(1);
            long indexLength = size - 88;
            ByteBuffer footer = ByteBuffer.allocate(72).order(ByteOrder.LITTLE_ENDIAN);
            footer.put("DESFOOT1".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put(new byte[7])
                    .putLong(16).putLong(0).putLong(16).putLong(0).putLong(16).putLong(indexLength)
                    .putLong(indexLength / 38);
            f.seek(size - 72);
            f.write(footer.array());
        }
        assertThat(Files.size(sparse)).isEqualTo(size);
        assertThatThrownBy(() -> DesReader.open(sparse)).isInstanceOfSatisfying(DesCorruptException.class,
                e -> assertThat(e.field()).isEqualTo("index[0].data_offset"));
    }

    /** An archive with one external entry under prefix "abcdef" and one inside, whose key's prefix is replaced. */
    private Path withExternalKeyPrefix(String sixBytesOfJson) throws IOException {
        Path day = tmp.resolve("key-" + Integer.toHexString(sixBytesOfJson.hashCode()) + ".des");
        Path store = tmp.resolve("store");
        try (DesWriter w = DesWriter.builder(day).externalThreshold(100)
                .externalStore(ExternalStore.directory(store), "abcdef").build()) {
            w.add("inside", "fine".getBytes(StandardCharsets.UTF_8), null);
            w.add("big", random(1000, 4), null);
            w.add("after", "also fine".getBytes(StandardCharsets.UTF_8), null);
            w.finish();
        }
        byte[] a = Files.readAllBytes(day);
        byte[] from = "abcdef/_bigFiles".getBytes(StandardCharsets.UTF_8);
        byte[] to = sixBytesOfJson.getBytes(StandardCharsets.UTF_8);
        assertThat(to).hasSize(6);
        int at = indexOf(a, from);
        System.arraycopy(to, 0, a, at, 6);
        // recompute the footer's CRC-32C of META+INDEX, as a crafted archive would
        ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        int footer = a.length - 72;
        int metaStart = (int) b.getLong(footer + 32);
        CRC32C crc = new CRC32C();
        crc.update(a, metaStart, footer - metaStart);
        b.putInt(footer + 12, (int) crc.getValue());
        Files.write(day, a);
        return day;
    }

    private static int indexOf(byte[] a, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= a.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (a[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"../../", "/abcde", "ab\\\\cd", "\\u0000", "abc/.."})
    void anEscapingExternalKeyIsACorruptArchiveThatVerifyListsAndGoesOn(String prefix) throws IOException {
        Path day = withExternalKeyPrefix(prefix);
        DesReadOptions opts = DesReadOptions.defaults().withExternalStore(ExternalStore.directory(tmp.resolve("store")));
        try (DesReader r = DesReader.open(day, opts)) {
            assertThatThrownBy(() -> r.read("big")).isInstanceOfSatisfying(DesCorruptException.class,
                    e -> assertThat(e.field()).isEqualTo("index[1].meta.external_key"))
                    .hasMessageContaining("external key");
            assertThatThrownBy(() -> r.transferTo("big", new CountingChannel()))
                    .isInstanceOf(DesCorruptException.class);
            DesVerifyReport rep = r.verify();
            assertThat(rep.entries()).isEqualTo(3);
            assertThat(rep.problems()).singleElement().satisfies(p -> {
                assertThat(p.entry()).isEqualTo("big");
                assertThat(p.type()).isEqualTo("DesCorruptException");
            });
            assertThat(rep.bytes()).isEqualTo("fine".length() + "also fine".length());
            assertThat(r.read("after")).isEqualTo(ByteBuffer.wrap("also fine".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void anExternalEntryClaimingGigabytesIsNotAllocatedFromItsClaim() throws IOException {
        assertThat(Runtime.getRuntime().maxMemory()).as("this test runs in the -Xmx256m surefire execution")
                .isLessThanOrEqualTo(300L << 20);
        Path day = tmp.resolve("claim.des");
        Path store = tmp.resolve("claims");
        try (DesWriter w = DesWriter.builder(day).externalThreshold(100)
                .externalStore(ExternalStore.directory(store), "p").build()) {
            w.add("big", random(1000, 5), null);
            w.finish();
        }
        byte[] a = Files.readAllBytes(day);
        // drop META's size (an optional key) and make data_length claim 2e9 bytes, as a crafted archive can
        byte[] size = "\"size\"".getBytes(StandardCharsets.UTF_8);
        System.arraycopy("\"sizf\"".getBytes(StandardCharsets.UTF_8), 0, a, indexOf(a, size), size.length);
        ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        int footer = a.length - 72;
        int indexStart = (int) b.getLong(footer + 48);
        int nameLen = b.getShort(indexStart) & 0xffff;
        b.putLong(indexStart + 2 + nameLen + 8, 2_000_000_000L);
        int metaStart = (int) b.getLong(footer + 32);
        CRC32C crc = new CRC32C();
        crc.update(a, metaStart, footer - metaStart);
        b.putInt(footer + 12, (int) crc.getValue());
        Files.write(day, a);
        try (DesReader r = DesReader.open(day, DesReadOptions.defaults()
                .withExternalStore(ExternalStore.directory(store)))) {
            assertThat(r.entry("big").size()).isEqualTo(2_000_000_000L);
            assertThatThrownBy(() -> r.read("big")).isInstanceOf(DesCorruptException.class)
                    .hasMessageContaining("'big'");
            assertThatThrownBy(() -> r.readAll(java.util.List.of("big"))).isInstanceOf(DesCorruptException.class);
            assertThatThrownBy(() -> r.transferTo("big", new CountingChannel())).isInstanceOf(DesException.class);
            assertThat(r.verify().problems()).singleElement().satisfies(p -> assertThat(p.entry()).isEqualTo("big"));
        }
    }

    @Test
    void controlCharactersAreEscapedForTerminals() {
        assertThat(EntryNames.escaped("a\u001b]0;owned\u0007b\u009b")).isEqualTo("a\\u001b]0;owned\\u0007b\\u009b");
        assertThat(EntryNames.escaped("café 😀.jpg")).isEqualTo("café 😀.jpg");
    }
}
