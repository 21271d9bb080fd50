package io.stowage.es;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** TsChecker on the reference stream and on streams damaged by dropping, duplicating and garbling packets. */
class TsCheckerTest {
    @TempDir
    Path tmp;

    private Path write(String name, byte[] b) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, b);
        return p;
    }

    @Test
    void referenceStreamIsClean() throws Exception {
        TsCheckReport r = TsChecker.create().check(Vectors.root().resolve("expected-full.ts"));
        assertThat(r.ok()).isTrue();
        assertThat(r.packets()).isEqualTo(523204 / 188);
        assertThat(r.ccErrors()).isZero();
        assertThat(r.duplicates()).isZero();
        assertThat(r.syncLosses()).isZero();
        assertThat(r.patCount()).isEqualTo(204);
        assertThat(r.pcrMaxIntervalS()).isBetween(0.07, 0.1);
        assertThat(r.patMaxIntervalS()).isBetween(0.0, 0.5);
        assertThat(r.pmtMaxIntervalS()).isBetween(0.0, 0.5);
        assertThat(r.errors()).isEmpty();
        assertThat(r.pids()).extracting(TsCheckReport.TsPidReport::pid, TsCheckReport.TsPidReport::role,
                        TsCheckReport.TsPidReport::streamTypeName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, "pat", null),
                        org.assertj.core.groups.Tuple.tuple(17, "sdt", null),
                        org.assertj.core.groups.Tuple.tuple(256, "pes", "h264"),
                        org.assertj.core.groups.Tuple.tuple(257, "pes", "aac"),
                        org.assertj.core.groups.Tuple.tuple(4096, "pmt", null));
        assertThat(r.pids().get(2).pcrCount()).isEqualTo(300);
    }

    @Test
    void droppedPacketsGiveFfmpegsContinuityCount() throws Exception {
        byte[] full = Vectors.expectedFull();
        int packets = full.length / 188;
        for (int seed = 1; seed <= 4; seed++) {
            Random rnd = new Random(seed);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int firstDrop = 40; // after the first PAT and PMT, as ffmpeg checks PIDs from its PMT on
            for (int p = 0; p < packets; p++) {
                if (p > firstDrop && rnd.nextInt(100) < 2 * seed) {
                    continue; // dropped
                }
                out.write(full, p * 188, 188);
                if (p > firstDrop && seed == 4 && rnd.nextInt(100) < 1) {
                    out.write(full, p * 188, 188); // a duplicate
                }
            }
            Path f = write("dropped-" + seed + ".ts", out.toByteArray());
            TsCheckReport r = TsChecker.create().check(f);
            Ffmpeg.Result ff = Ffmpeg.decode(f);
            assertThat(r.ccErrors()).isPositive();
            assertThat(r.ok()).isFalse();
            assertThat(r.ccErrors() + r.duplicates()).as("seed %d", seed).isEqualTo(ff.continuityErrors());
        }
    }

    @Test
    void droppedSegmentsGiveFfmpegsContinuityCount() throws Exception {
        byte[] full = Vectors.expectedFull();
        byte[] cut = new byte[full.length - 200 * 188 - 377 * 188];
        System.arraycopy(full, 0, cut, 0, 500 * 188);
        System.arraycopy(full, 700 * 188, cut, 500 * 188, 900 * 188);
        System.arraycopy(full, 1977 * 188, cut, 1400 * 188, full.length - 1977 * 188);
        Path f = write("cut.ts", cut);
        TsCheckReport r = TsChecker.create().check(f);
        assertThat(r.ccErrors()).isEqualTo(Ffmpeg.decode(f).continuityErrors()).isPositive();
    }

    @Test
    void garbageIsASyncLossWithItsBytes() throws Exception {
        byte[] full = Vectors.expectedFull();
        byte[] junk = new byte[77];
        Arrays.fill(junk, (byte) 0x11);
        byte[] b = new byte[full.length + junk.length + 100];
        System.arraycopy(full, 0, b, 0, 1000 * 188);
        System.arraycopy(junk, 0, b, 1000 * 188, junk.length);
        System.arraycopy(full, 1000 * 188, b, 1000 * 188 + junk.length, full.length - 1000 * 188);
        System.arraycopy(full, 0, b, full.length + junk.length, 100); // a partial packet at the end
        TsCheckReport r = TsChecker.create().check(write("garbage.ts", b));
        assertThat(r.syncLosses()).isEqualTo(1);
        assertThat(r.bytesSkipped()).isEqualTo(77 + 100);
        assertThat(r.packets()).isEqualTo(full.length / 188);
        assertThat(r.ccErrors()).isZero();
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("offset 188000").contains("77 bytes skipped"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).contains("partial packet of 100 bytes"));
    }

    @Test
    void discontinuityIndicatorIsHonoured() throws Exception {
        byte[] full = Vectors.expectedFull();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(full, 0, 300 * 188);
        // mark the jump of every PID like the stitcher does
        for (int pid : new int[] {0, 17, 256, 257, 4096}) {
            byte[] d = new byte[188];
            Arrays.fill(d, (byte) 0xFF);
            d[0] = 0x47;
            d[1] = (byte) (pid >> 8);
            d[2] = (byte) pid;
            int nextCc = nextCc(full, 900, pid);
            d[3] = (byte) (0x20 | ((nextCc - 1) & 0x0F));
            d[4] = (byte) 183;
            d[5] = (byte) 0x80;
            out.write(d, 0, 188);
        }
        out.write(full, 900 * 188, full.length - 900 * 188);
        Path f = write("marked.ts", out.toByteArray());
        TsCheckReport r = TsChecker.create().check(f);
        assertThat(r.ccErrors()).isZero();
        assertThat(r.discontinuities()).isEqualTo(5);
        assertThat(Ffmpeg.decode(f).continuityErrors()).isZero();
    }

    private static int nextCc(byte[] full, int fromPacket, int pid) {
        for (int p = fromPacket; ; p++) {
            int i = p * 188;
            if (((full[i + 1] & 0x1F) << 8 | (full[i + 2] & 0xFF)) == pid) {
                return full[i + 3] & 0x0F;
            }
        }
    }

    @Test
    void inputFedOneByteAtATimeGivesTheSameReport() throws Exception {
        byte[] full = Vectors.expectedFull();
        byte[] b = new byte[full.length - 10 * 188 + 50];
        System.arraycopy(full, 0, b, 0, 700 * 188);
        System.arraycopy(full, 710 * 188, b, 700 * 188 + 50, full.length - 710 * 188); // a drop and garbage
        Path f = write("damaged.ts", b);
        TsCheckReport whole = TsChecker.create().check(f);
        java.io.InputStream in = new java.io.ByteArrayInputStream(b);
        java.nio.channels.ReadableByteChannel oneByte = new java.nio.channels.ReadableByteChannel() {
            @Override
            public int read(java.nio.ByteBuffer dst) throws java.io.IOException {
                int c = in.read();
                if (c < 0) {
                    return -1;
                }
                dst.put((byte) c);
                return 1;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        TsCheckReport bytewise = TsChecker.create().check(oneByte, f.toString());
        assertThat(bytewise).isEqualTo(whole);
        assertThat(whole.syncLosses()).isEqualTo(1);
        assertThat(whole.ccErrors()).isPositive();
    }

    @Test
    void emptyFileHasNoPackets() throws Exception {
        TsCheckReport r = TsChecker.create().check(write("empty.ts", new byte[0]));
        assertThat(r.packets()).isZero();
        assertThat(r.ok()).isFalse();
    }
}
