package io.stowage.es;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damage made to copies of the reference segments: the run finishes, the report is exact, the output holds every
 * valid record in order, and neither TsChecker nor ffmpeg sees a continuity error.
 */
class EsFetchDamageTest {
    static final String S0 = "01012025/11/1735732796-1735732800.es";
    static final String S1 = "01012025/12/1735732800-1735732804.es";
    static final String S2 = "01012025/12/1735732804-1735732808.es";
    static final String S3 = "01012025/12/1735732808-1735732812.es";
    static final String S4 = "01012025/12/1735732812-1735732816.es";
    static final String S5 = "01012025/12/1735732816-1735732820.es";
    static final String S6 = "01012025/12/1735732820-1735732824.es";

    @TempDir
    Path tmp;
    Path src;
    Path out;

    @BeforeEach
    void copy() throws IOException {
        src = Vectors.copySegments(Files.createDirectories(tmp.resolve("src")));
        out = tmp.resolve("out.ts");
    }

    private EsFetchReport fetch() {
        return EsToTsParser.create(EsSegmentStore.directory(src), EsFetchOptions.defaults())
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out);
    }

    /** The output minus inserted discontinuity packets equals the given records' payloads, in order. */
    private void assertHoldsExactly(List<Vectors.Rec> kept) throws Exception {
        byte[] got = Files.readAllBytes(out);
        Vectors.assertSameBytes(Vectors.withoutInsertedDiscontinuities(got), Vectors.payloadOf(kept));
        TsCheckReport check = TsChecker.create().check(out);
        assertThat(check.ccErrors()).as("TsChecker cc_errors: %s", check.errors()).isZero();
        assertThat(check.ok()).as("TsChecker errors: %s", check.errors()).isTrue();
        Ffmpeg.Result ff = Ffmpeg.decode(out);
        assertThat(ff.exitCode()).isZero();
        assertThat(ff.continuityErrors()).as("ffmpeg continuity errors").isZero();
    }

    private static List<Vectors.Rec> allExcept(java.util.function.Predicate<Vectors.Rec> drop) {
        List<Vectors.Rec> kept = new ArrayList<>();
        for (Vectors.Rec r : Vectors.records()) {
            if (!drop.test(r)) {
                kept.add(r);
            }
        }
        return kept;
    }

    private static Instant at(long ns) {
        return Instant.ofEpochSecond(0, ns);
    }

    @Test
    void missingSegmentIsAGapWithItsInterval() throws Exception {
        Files.delete(src.resolve(S2));
        EsFetchReport r = fetch();
        assertThat(r.missing()).containsExactly(S2);
        assertThat(r.corrupt()).isEmpty();
        assertThat(r.gaps()).containsExactly(new EsGap(Instant.ofEpochSecond(1735732804),
                Instant.ofEpochSecond(1735732808), "missing segment"));
        assertThat(r.records()).isEqualTo(398 - 68);
        assertThat(r.segmentsFetched()).isEqualTo(6);
        assertThat(r.discontinuitiesMarked()).isPositive();
        assertThat(r.complete()).isFalse();
        assertHoldsExactly(allExcept(x -> x.key().equals(S2)));
    }

    @Test
    void truncatedSegmentKeepsItsWholeRecords() throws Exception {
        Path f = src.resolve(S3);
        List<Long> offs = Vectors.recordOffsets(f);
        long cut = offs.get(40) + 27 + 500;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(cut);
        }
        EsFetchReport r = fetch();
        assertThat(r.missing()).isEmpty();
        assertThat(r.corrupt()).hasSize(1);
        EsCorruption c = r.corrupt().get(0);
        assertThat(c.key()).isEqualTo(S3);
        assertThat(c.offset()).isEqualTo(offs.get(40));
        assertThat(c.length()).isEqualTo(27 + 500);
        assertThat(c.reason()).contains("truncated record").contains("1316");
        List<Vectors.Rec> s3 = Vectors.recordsOf(S3);
        assertThat(r.records()).isEqualTo(398 - (s3.size() - 40));
        assertThat(r.gaps()).containsExactly(new EsGap(at(s3.get(39).utcNs()),
                at(Vectors.recordsOf(S4).get(0).utcNs()), "corrupt data"));
        List<Vectors.Rec> lost = s3.subList(40, s3.size());
        assertHoldsExactly(allExcept(lost::contains));
    }

    @Test
    void corruptHeaderInTheMiddleLosesOnlyThatRecord() throws Exception {
        Path f = src.resolve(S1);
        List<Long> offs = Vectors.recordOffsets(f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0x7FFF_FFFF_FFFFL),
                    offs.get(10) + 19);
        }
        EsFetchReport r = fetch();
        assertThat(r.corrupt()).hasSize(1);
        EsCorruption c = r.corrupt().get(0);
        assertThat(c.key()).isEqualTo(S1);
        assertThat(c.offset()).isEqualTo(offs.get(10));
        assertThat(c.length()).isEqualTo(27 + 1316);
        assertThat(c.reason()).contains("payload size").contains("exceeds the limit");
        assertThat(r.records()).isEqualTo(397);
        List<Vectors.Rec> s1 = Vectors.recordsOf(S1);
        assertThat(r.gaps()).containsExactly(new EsGap(at(s1.get(9).utcNs()), at(s1.get(11).utcNs()),
                "corrupt data"));
        Vectors.Rec lost = s1.get(10);
        assertHoldsExactly(allExcept(lost::equals));
    }

    @Test
    void garbageAppendedIsReportedAndLosesNothing() throws Exception {
        Path f = src.resolve(S4);
        long size = Files.size(f);
        byte[] junk = new byte[1000];
        new Random(7).nextBytes(junk);
        Files.write(f, junk, StandardOpenOption.APPEND);
        EsFetchReport r = fetch();
        assertThat(r.corrupt()).containsExactly(new EsCorruption(S4, size, 1000, r.corrupt().get(0).reason()));
        assertThat(r.gaps()).isEmpty();
        assertThat(r.discontinuitiesMarked()).isZero();
        assertThat(r.records()).isEqualTo(398);
        Vectors.assertSameBytes(Files.readAllBytes(out), Vectors.expectedFull());
    }

    @Test
    void zeroSizeRecordIsSkippedAndReported() throws Exception {
        Path f = src.resolve(S5);
        byte[] b = Files.readAllBytes(f);
        int at = Vectors.recordOffsets(f).get(6).intValue();
        ByteBuffer h = ByteBuffer.allocate(27).order(ByteOrder.LITTLE_ENDIAN);
        h.put((byte) 0xA5).putShort((short) 27).putLong(Vectors.recordsOf(S5).get(5).utcNs()).putLong(123).putLong(0);
        byte[] patched = new byte[b.length + 27];
        System.arraycopy(b, 0, patched, 0, at);
        System.arraycopy(h.array(), 0, patched, at, 27);
        System.arraycopy(b, at, patched, at + 27, b.length - at);
        Files.write(f, patched);
        EsFetchReport r = fetch();
        assertThat(r.corrupt()).hasSize(1);
        assertThat(r.corrupt().get(0).offset()).isEqualTo(at);
        assertThat(r.corrupt().get(0).length()).isEqualTo(27);
        assertThat(r.corrupt().get(0).reason()).contains("empty record");
        assertThat(r.gaps()).isEmpty();
        Vectors.assertSameBytes(Files.readAllBytes(out), Vectors.expectedFull());
    }

    @Test
    void segmentThatIsNotEsAtAllIsOneCorruptRange() throws Exception {
        Path f = src.resolve(S5);
        byte[] html = "<html><body>503 Service Unavailable</body></html>\n".repeat(100).getBytes();
        Files.write(f, html);
        EsFetchReport r = fetch();
        assertThat(r.corrupt()).hasSize(1);
        assertThat(r.corrupt().get(0)).extracting(EsCorruption::key, EsCorruption::offset, EsCorruption::length)
                .containsExactly(S5, 0L, (long) html.length);
        assertThat(r.corrupt().get(0).reason()).contains("header length");
        assertThat(r.records()).isEqualTo(398 - Vectors.recordsOf(S5).size());
        List<Vectors.Rec> s4 = Vectors.recordsOf(S4);
        assertThat(r.gaps()).containsExactly(new EsGap(at(s4.get(s4.size() - 1).utcNs()),
                at(Vectors.recordsOf(S6).get(0).utcNs()), "corrupt data"));
        assertHoldsExactly(allExcept(x -> x.key().equals(S5)));
    }

    @Test
    void listingModeReportsHolesBetweenListedSegments() throws Exception {
        Files.delete(src.resolve(S3));
        EsFetchReport r = EsToTsParser.create(EsSegmentStore.directory(src), EsFetchOptions.defaults()
                .withListing(true)).fetch(Vectors.FIRST_START.minusSeconds(4), Vectors.LAST_END, out);
        assertThat(r.segmentsExpected()).isEqualTo(6);
        assertThat(r.missing()).isEmpty();
        assertThat(r.gaps()).containsExactly(
                new EsGap(Vectors.FIRST_START.minusSeconds(4), Vectors.FIRST_START, "no segment"),
                new EsGap(Instant.ofEpochSecond(1735732808), Instant.ofEpochSecond(1735732812), "no segment"));
        assertHoldsExactly(allExcept(x -> x.key().equals(S3)));
    }

    @Test
    void everyDamageAtOnce() throws Exception {
        Files.delete(src.resolve(S0));
        Files.write(src.resolve(S6), new byte[] {0x47, 1, 2, 3});
        Path f = src.resolve(S2);
        List<Long> offs = Vectors.recordOffsets(f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x00}), offs.get(30) + 27); // payload sync byte of record 30
            ch.write(ByteBuffer.wrap(new byte[] {0x13}), offs.get(31) + 1);  // header length of record 31
        }
        EsFetchReport r = fetch();
        assertThat(r.missing()).containsExactly(S0);
        assertThat(r.corrupt()).extracting(EsCorruption::key, EsCorruption::offset)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(S2, offs.get(30)),
                        org.assertj.core.groups.Tuple.tuple(S6, 0L));
        assertThat(r.corrupt().get(0).length()).isEqualTo(2 * (27 + 1316));
        assertThat(r.corrupt().get(0).reason()).contains("sync byte 0x47");
        List<Vectors.Rec> s2 = Vectors.recordsOf(S2);
        List<Vectors.Rec> lost = List.of(s2.get(30), s2.get(31));
        assertHoldsExactly(allExcept(x -> x.key().equals(S0) || x.key().equals(S6) || lost.contains(x)));
    }
}
