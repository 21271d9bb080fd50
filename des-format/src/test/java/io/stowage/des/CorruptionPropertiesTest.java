package io.stowage.des;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Round trips, and: every structural corruption gives a {@link DesCorruptException}; with Stowage checksums any
 * flipped byte is detected or harmless (every byte returned is right, no entry dropped); without them one flip
 * changes at most one entry and drops none; random bytes are refused naming the field. Each property runs over an
 * in-memory channel and over real files, memory-mapped and not. Runs with {@code -Xmx256m} (see the pom).
 */
@org.junit.jupiter.api.Tag("small-heap")
@net.jqwik.api.Tag("small-heap")
class CorruptionPropertiesTest {

    @Provide
    Arbitrary<Map<String, byte[]>> archives() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars('é', 'ż', '_', ' ', '😀')
                .ofMinLength(1).ofMaxLength(12).filter(EntryNames::isSafeFileName);
        Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        return Arbitraries.maps(names, payloads).ofMaxSize(12).map(LinkedHashMap::new);
    }

    @Property(tries = 150)
    void randomArchivesRoundTrip(@ForAll("archives") Map<String, byte[]> entries, @ForAll boolean checksums,
                                 @ForAll Opening how) {
        byte[] archive = Archives.build(entries, checksums);
        try (DesReader r = open(archive, how)) {
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
                                             @ForAll boolean checksums, @ForAll Opening how) {
        byte[] archive = Archives.build(entries, checksums);
        int len = cut % archive.length; // strictly shorter
        byte[] truncated = java.util.Arrays.copyOf(archive, len);
        assertThatThrownBy(() -> open(truncated, how).close()).isInstanceOfSatisfying(DesCorruptException.class,
                e -> assertThat(e.getMessage()).startsWith(e.archive() + ": "));
    }

    /** How a property opens an archive: an in-memory channel, or a real file read memory-mapped or by positional reads. */
    enum Opening { CHANNEL, MAPPED_FILE, FILE }

    /** Real files for the file openings (jqwik has no {@code @TempDir}: one folder per container, deleted after). */
    static Path files;

    @BeforeContainer
    static void createFolder() throws IOException {
        Path target = Path.of("target");
        files = Files.createTempDirectory(Files.isDirectory(target) ? target : Path.of(System.getProperty(
                "java.io.tmpdir")), "corruption-properties-");
    }

    @AfterContainer
    static void deleteFolder() throws IOException {
        try (var all = Files.walk(files)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static DesReader open(byte[] archive, Opening how) {
        if (how == Opening.CHANNEL) {
            return Archives.open(archive);
        }
        try {
            Path p = Files.createTempFile(files, "a", ".des");
            Files.write(p, archive);
            try {
                // the reader keeps the file open (and mapped): deleting the name now leaves nothing behind
                return DesReader.open(p, DesReadOptions.defaults().withMemoryMap(how == Opening.MAPPED_FILE));
            } finally {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property(tries = 400)
    void flippedByteInChecksummedArchiveIsDetectedOrHarmless(@ForAll("archives") Map<String, byte[]> entries,
                                                            @ForAll @IntRange(min = 0, max = 1_000_000) int at,
                                                            @ForAll @IntRange(min = 1, max = 255) int xor,
                                                            @ForAll Opening how) {
        byte[] archive = Archives.build(entries, true);
        int pos = at % archive.length;
        archive[pos] ^= (byte) xor;
        DesReader r;
        try {
            r = open(archive, how);
        } catch (DesCorruptException detected) {
            assertThat(detected.field()).isNotBlank();
            return;
        }
        try (r) {
            // META+INDEX are covered by the footer checksum: if it opened, no entry was renamed, resized or dropped
            assertThat(r.list()).extracting(DesEntry::name).containsExactlyElementsOf(entries.keySet());
            Set<String> failed = new HashSet<>();
            for (DesEntry e : r.list()) {
                assertThat(e.size()).isEqualTo(entries.get(e.name()).length);
                try {
                    assertThat(toArray(r.read(e.name()))).as("bytes of %s", e.name())
                            .isEqualTo(entries.get(e.name()));
                } catch (DesChecksumException detected) {
                    failed.add(e.name());
                }
            }
            // a flip changes one payload at most; verify reports exactly the entries whose reads failed
            assertThat(failed).hasSizeLessThanOrEqualTo(1);
            assertThat(r.verify().problems()).extracting(DesVerifyReport.Problem::entry)
                    .containsExactlyInAnyOrderElementsOf(failed);
        }
    }

    @Property(tries = 400)
    void flippedByteInReferenceStyleArchiveDropsNothingAndChangesAtMostOneEntry(
            @ForAll("archives") Map<String, byte[]> entries,
            @ForAll @IntRange(min = 0, max = 1_000_000) int at,
            @ForAll @IntRange(min = 1, max = 255) int xor,
            @ForAll Opening how) {
        byte[] archive = Archives.build(entries, false);
        int pos = at % archive.length;
        archive[pos] ^= (byte) xor;
        // without checksums a flip inside a payload, name or META value cannot be detected (documented); what must
        // hold: a typed error, or every entry still there with its size, and at most one of them changed
        DesReader r;
        try {
            r = open(archive, how);
        } catch (DesCorruptException detected) {
            assertThat(detected.field()).isNotBlank();
            return;
        }
        try (r) {
            List<String> names = List.copyOf(entries.keySet());
            assertThat(r.list()).as("entries after a flip at %d", pos).hasSize(entries.size());
            int changed = 0;
            for (int i = 0; i < names.size(); i++) {
                DesEntry e = r.list().get(i);
                byte[] want = entries.get(names.get(i));
                assertThat(e.size()).as("size of record %d", i).isEqualTo(want.length);
                byte[] got;
                try {
                    got = r.list().stream().filter(x -> x.name().equals(e.name())).count() > 1
                            ? readAllBytes(r, e) : toArray(r.read(e.name()));
                } catch (DesException typed) {
                    changed++;
                    continue;
                }
                assertThat(got).hasSize(want.length);
                if (!e.name().equals(names.get(i)) || !Arrays.equals(got, want)) {
                    changed++;
                }
            }
            assertThat(changed).as("entries changed by one flipped byte at %d", pos).isLessThanOrEqualTo(1);
        }
    }

    private static byte[] readAllBytes(DesReader r, DesEntry e) {
        try (var in = r.openStream(e)) {
            return in.readAllBytes();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @Property(tries = 300)
    void randomBytesAreACorruptArchiveNamingTheField(@ForAll @Size(max = 4000) byte[] garbage,
                                                     @ForAll Opening how) {
        byte[] withMagic = new byte[garbage.length + 88];
        System.arraycopy("DESHEAD1".getBytes(), 0, withMagic, 0, 8);
        withMagic[8] = 1;
        System.arraycopy(garbage, 0, withMagic, 16, garbage.length);
        System.arraycopy("DESFOOT1".getBytes(), 0, withMagic, withMagic.length - 72, 8);
        withMagic[withMagic.length - 64] = 1;
        for (byte[] candidate : new byte[][] {garbage, withMagic}) {
            // random footer fields never tile the file exactly: every candidate is refused when opened, with the
            // field that is wrong, and nothing but DesCorruptException escapes
            assertThatThrownBy(() -> open(candidate, how).close()).isInstanceOfSatisfying(DesCorruptException.class,
                    e -> {
                        assertThat(e.field()).isNotBlank();
                        assertThat(e.offset()).isBetween(-1L, (long) candidate.length);
                    });
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
