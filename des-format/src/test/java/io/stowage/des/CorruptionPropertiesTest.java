package io.stowage.des;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Round trips, and: every structural corruption gives a {@link DesCorruptException}; with Stowage checksums any
 * flipped byte gives a {@link DesException}, never wrong bytes; nothing else ever escapes.
 */
@org.junit.jupiter.api.Tag("small-heap")
class CorruptionPropertiesTest {

    @Provide
    Arbitrary<Map<String, byte[]>> archives() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars('é', 'ż', '_', ' ', '😀')
                .ofMinLength(1).ofMaxLength(12).filter(EntryNames::isSafeFileName);
        Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        return Arbitraries.maps(names, payloads).ofMaxSize(12).map(LinkedHashMap::new);
    }

    @Property(tries = 150)
    void randomArchivesRoundTrip(@ForAll("archives") Map<String, byte[]> entries, @ForAll boolean checksums) {
        byte[] archive = Archives.build(entries, checksums);
        try (DesReader r = Archives.open(archive)) {
            assertThat(r.list()).extracting(DesEntry::name).containsExactlyElementsOf(entries.keySet());
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                assertThat(toArray(r.read(e.getKey()))).isEqualTo(e.getValue());
            }
            Map<String, ByteBuffer> all = r.readAll(List.copyOf(entries.keySet()));
            entries.forEach((k, v) -> assertThat(toArray(all.get(k))).isEqualTo(v));
            assertThat(r.verify().ok()).isTrue();
        }
    }

    @Property(tries = 150)
    void truncationAnywhereGivesCorruptError(@ForAll("archives") Map<String, byte[]> entries,
                                             @ForAll @IntRange(min = 0, max = 100_000) int cut,
                                             @ForAll boolean checksums) {
        byte[] archive = Archives.build(entries, checksums);
        int len = cut % archive.length; // strictly shorter
        byte[] truncated = java.util.Arrays.copyOf(archive, len);
        assertThatThrownBy(() -> Archives.open(truncated).close()).isInstanceOf(DesCorruptException.class)
                .hasMessageStartingWith("mem.des: ");
    }

    @Property(tries = 400)
    void flippedByteInChecksummedArchiveNeverGivesWrongBytes(@ForAll("archives") Map<String, byte[]> entries,
                                                             @ForAll @IntRange(min = 0, max = 1_000_000) int at,
                                                             @ForAll @IntRange(min = 1, max = 255) int xor) {
        byte[] archive = Archives.build(entries, true);
        int pos = at % archive.length;
        archive[pos] ^= (byte) xor;
        readEverythingExpecting(archive, entries, true);
    }

    @Property(tries = 400)
    void flippedByteInReferenceStyleArchiveGivesOnlyDesExceptions(
            @ForAll("archives") Map<String, byte[]> entries,
            @ForAll @IntRange(min = 0, max = 1_000_000) int at,
            @ForAll @IntRange(min = 1, max = 255) int xor) {
        byte[] archive = Archives.build(entries, false);
        int pos = at % archive.length;
        archive[pos] ^= (byte) xor;
        // without checksums a flip inside a payload, name or META value cannot be detected (documented);
        // what matters: only DesExceptions, no other exception type, no hang, no huge allocation
        readEverythingExpecting(archive, entries, false);
    }

    @Property(tries = 200)
    void randomGarbageNeverEscapesAsAnotherException(@ForAll byte[] garbage) {
        byte[] withMagic = new byte[garbage.length + 88];
        System.arraycopy("DESHEAD1".getBytes(), 0, withMagic, 0, 8);
        withMagic[8] = 1;
        System.arraycopy(garbage, 0, withMagic, 16, garbage.length);
        System.arraycopy("DESFOOT1".getBytes(), 0, withMagic, withMagic.length - 72, 8);
        withMagic[withMagic.length - 64] = 1;
        for (byte[] candidate : new byte[][] {garbage, withMagic}) {
            try (DesReader r = Archives.open(candidate)) {
                for (DesEntry e : r.list()) {
                    try {
                        r.read(e.name());
                    } catch (DesException expected) {
                        // typed
                    }
                }
            } catch (DesException expected) {
                // typed
            }
        }
    }

    private static void readEverythingExpecting(byte[] archive, Map<String, byte[]> entries, boolean checksums) {
        DesReader r;
        try {
            r = Archives.open(archive);
        } catch (DesCorruptException expected) {
            return;
        } catch (RuntimeException other) {
            fail("open threw " + other + " instead of a DesCorruptException", other);
            return;
        }
        try (r) {
            for (DesEntry e : r.list()) {
                try {
                    byte[] got = toArray(r.read(e.name()));
                    if (checksums) {
                        // a flip may turn a name into another valid name; bytes must match the entry of that name
                        byte[] want = entries.get(e.name());
                        assertThat(want).as("entry %s should not exist", e.name()).isNotNull();
                        assertThat(got).as(e.name()).isEqualTo(want);
                    }
                } catch (DesException expected) {
                    // typed error: fine
                }
            }
        }
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @Test
    void readsFedOneByteAtATimeGiveTheSameResult() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("a", "hello".getBytes());
        entries.put("b", new byte[5000]);
        entries.put("c", new byte[0]);
        byte[] archive = Archives.build(entries, true);
        Archives.BytesChannel slow = new Archives.BytesChannel(archive, 1);
        try (DesReader r = DesReader.open(slow, "slow.des", DesReadOptions.defaults())) {
            entries.forEach((k, v) -> assertThat(toArray(r.read(k))).isEqualTo(v));
        }
        assertThat(slow.reads).isGreaterThan(archive.length - 100);
    }

    @Test
    void oversizedFieldsNameTheFieldAndOffset(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        byte[] archive = Archives.build(Map.of("x", new byte[10]), false);
        // footer.index_length (footer + 56) set to Long.MAX_VALUE
        ByteBuffer b = ByteBuffer.wrap(archive).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int footer = archive.length - 72;
        b.putLong(footer + 56, Long.MAX_VALUE);
        Path p = tmp.resolve("day.des");
        Files.write(p, archive);
        assertThatThrownBy(() -> DesReader.open(p))
                .isInstanceOfSatisfying(DesCorruptException.class, e -> {
                    assertThat(e.field()).isEqualTo("footer.index_length");
                    assertThat(e.offset()).isEqualTo(footer + 56);
                })
                .hasMessageContaining("exceeds the file size").hasMessageContaining("check the upload completed");
        // file_count far beyond what the index can hold
        byte[] a2 = Archives.build(Map.of("x", new byte[10]), false);
        ByteBuffer.wrap(a2).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(a2.length - 72 + 64, 1_000_000L);
        assertThatThrownBy(() -> Archives.open(a2)).isInstanceOfSatisfying(DesCorruptException.class,
                e -> assertThat(e.field()).isEqualTo("footer.file_count"));
    }

    @Test
    void badMagicAndVersionAreNamed() {
        byte[] a = Archives.build(Map.of("x", new byte[1]), true);
        byte[] badHead = a.clone();
        badHead[0] = 'X';
        assertThatThrownBy(() -> Archives.open(badHead)).isInstanceOfSatisfying(DesCorruptException.class,
                e -> assertThat(e.field()).isEqualTo("header.magic"));
        byte[] badVersion = a.clone();
        badVersion[a.length - 64] = 2;
        assertThatThrownBy(() -> Archives.open(badVersion)).isInstanceOfSatisfying(DesCorruptException.class,
                e -> assertThat(e.field()).isEqualTo("footer.version")).hasMessageContaining("DES v1 only");
        byte[] trailing = java.util.Arrays.copyOf(a, a.length + 1);
        assertThatThrownBy(() -> Archives.open(trailing)).isInstanceOfSatisfying(DesCorruptException.class,
                e -> assertThat(e.field()).isEqualTo("footer.magic"));
    }

    @Test
    void flippedFooterChecksumIsReportedAsChecksumError() {
        byte[] a = Archives.build(Map.of("x", "abc".getBytes()), true);
        a[a.length - 72 + 12] ^= 1;
        assertThatThrownBy(() -> Archives.open(a)).isInstanceOfSatisfying(DesChecksumException.class,
                e -> assertThat(e.field()).isEqualTo("footer.crc32c"));
    }
}
