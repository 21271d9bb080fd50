package io.stowage.es;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** --trim: the output starts at a PAT/PMT and the last keyframe at or before {@code from}, and ends before {@code to}. */
class EsTrimTest {
    @TempDir
    Path tmp;

    private static final int VIDEO = 256;

    /** Index in expected-full of the last video keyframe packet whose record starts at or before {@code fromNs}. */
    private static int keyframeAtOrBefore(long fromNs, List<Vectors.Rec> recs, byte[] full) {
        int best = -1;
        for (Vectors.Rec r : recs) {
            if (r.utcNs() > fromNs && best >= 0) {
                break;
            }
            for (long p = r.fullOffset(); p < r.fullOffset() + r.size(); p += 188) {
                int i = (int) p;
                int pid = (full[i + 1] & 0x1F) << 8 | (full[i + 2] & 0xFF);
                boolean rai = ((full[i + 3] >> 4) & 2) != 0 && (full[i + 4] & 0xFF) > 0 && (full[i + 5] & 0x40) != 0;
                if (pid == VIDEO && rai && (full[i + 1] & 0x40) != 0) {
                    best = i;
                }
            }
            if (r.utcNs() > fromNs) {
                break;
            }
        }
        return best;
    }

    private static long utcOfPacket(int offset, List<Vectors.Rec> recs) {
        for (Vectors.Rec r : recs) {
            if (offset >= r.fullOffset() && offset < r.fullOffset() + r.size()) {
                return r.utcNs();
            }
        }
        throw new AssertionError("no record holds offset " + offset);
    }

    private void checkTrim(Instant from, Instant to, boolean runFfmpeg) throws Exception {
        byte[] full = Vectors.expectedFull();
        List<Vectors.Rec> recs = Vectors.records();
        long fromNs = from.getEpochSecond() * 1_000_000_000L + from.getNano();
        long toNs = to.getEpochSecond() * 1_000_000_000L + to.getNano();
        Path out = tmp.resolve("trim-" + from.toEpochMilli() + "-" + to.toEpochMilli() + ".ts");
        EsFetchReport r = EsToTsParser.create(EsSegmentStore.directory(Vectors.segments()),
                EsFetchOptions.defaults().withTrim(true)).fetch(from, to, out);
        byte[] got = Files.readAllBytes(out);

        int key = keyframeAtOrBefore(fromNs, recs, full);
        long keyUtc = utcOfPacket(key, recs);
        assertThat(r.actualStart()).isEqualTo(Instant.ofEpochSecond(0, keyUtc));
        if (fromNs >= recs.get(0).utcNs() + 500_000_000L) {
            assertThat(r.actualStart()).isBeforeOrEqualTo(from);
        }
        // PAT, PMT, then the keyframe
        assertThat(pid(got, 0)).isZero();
        assertThat(pid(got, 188)).isEqualTo(4096);
        assertThat(java.util.Arrays.copyOfRange(got, 376, 376 + 188))
                .isEqualTo(java.util.Arrays.copyOfRange(full, key, key + 188));

        // the rest: the recorded packets from the keyframe to the last record before `to`, each PID from its
        // first unit start on
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        want.write(got, 0, 376);
        Set<Integer> started = new HashSet<>(List.of(0, 4096));
        for (Vectors.Rec rec : recs) {
            if (rec.utcNs() >= toNs) {
                break;
            }
            for (long p = rec.fullOffset(); p < rec.fullOffset() + rec.size(); p += 188) {
                int i = (int) p;
                if (i < key) {
                    continue;
                }
                int pid = pid(full, i);
                if (!started.contains(pid)) {
                    if ((full[i + 1] & 0x40) == 0) {
                        continue;
                    }
                    started.add(pid);
                }
                want.write(full, i, 188);
            }
        }
        Vectors.assertSameBytes(got, want.toByteArray());
        assertThat(r.actualEnd()).isBefore(to);

        TsCheckReport check = TsChecker.create().check(out);
        assertThat(check.ok()).as("%s", check.errors()).isTrue();
        if (runFfmpeg) {
            Ffmpeg.Result ff = Ffmpeg.decode(out);
            assertThat(ff.continuityErrors()).isZero();
            assertThat(ff.exitCode()).isZero();
        }
    }

    private static int pid(byte[] b, int p) {
        return (b[p + 1] & 0x1F) << 8 | (b[p + 2] & 0xFF);
    }

    @Test
    void startsAtTheLastKeyframeBeforeFrom() throws Exception {
        checkTrim(Instant.parse("2025-01-01T12:00:01.500Z"), Instant.parse("2025-01-01T12:00:10Z"), true);
    }

    @Test
    void fromOnASegmentBoundaryUsesThePrerollSegment() throws Exception {
        checkTrim(Instant.parse("2025-01-01T12:00:08Z"), Instant.parse("2025-01-01T12:00:09.300Z"), true);
        checkTrim(Instant.parse("2025-01-01T12:00:00.010Z"), Instant.parse("2025-01-01T12:00:03Z"), false);
    }

    @Test
    void manyRanges() throws Exception {
        for (long ms = 0; ms < 24_000; ms += 1_700) {
            Instant from = Instant.parse("2025-01-01T11:59:58Z").plusMillis(ms);
            checkTrim(from, from.plus(Duration.ofMillis(2_300 + ms / 3)), false);
        }
    }

    @Test
    void fromBeforeTheRecordingStartsAtItsFirstKeyframe() throws Exception {
        checkTrim(Instant.parse("2025-01-01T11:59:50Z"), Instant.parse("2025-01-01T11:59:59Z"), true);
    }
}
