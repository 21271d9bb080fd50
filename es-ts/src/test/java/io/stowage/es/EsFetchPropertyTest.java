package io.stowage.es;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random damage to copies of the reference segments, fetched whole or trimmed: the output never holds a byte that
 * was not recorded (apart from inserted discontinuity packets), keeps recorded order, and has no continuity error.
 */
class EsFetchPropertyTest {

    @Property(tries = 40)
    void randomDamageNeverGivesWrongBytesOrContinuityErrors(@ForAll long seed) throws Exception {
        Random rnd = new Random(seed);
        Path dir = Files.createTempDirectory("es-prop-");
        try {
            Path src = Vectors.copySegments(Files.createDirectories(dir.resolve("src")));
            List<String> keys = Vectors.keys();
            Set<String> damaged = new HashSet<>();
            for (int n = 1 + rnd.nextInt(4); n > 0; n--) {
                String key = keys.get(rnd.nextInt(keys.size()));
                Path f = src.resolve(key);
                if (!Files.exists(f) || damaged.contains(key)) {
                    continue; // one damage per segment: offsets below are those of the original file
                }
                damaged.add(key);
                byte[] b = Files.readAllBytes(f);
                switch (rnd.nextInt(5)) {
                    case 0 -> Files.delete(f);
                    case 1 -> {
                        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                            ch.truncate(rnd.nextInt(b.length + 1));
                        }
                    }
                    case 2 -> {
                        // header or sync bytes: what the format can detect (a flipped payload byte cannot be)
                        List<Long> offs = Vectors.recordOffsets(Vectors.segments().resolve(key));
                        for (int k = 1 + rnd.nextInt(6); k > 0; k--) {
                            int rec = offs.get(rnd.nextInt(offs.size())).intValue();
                            int at = rnd.nextBoolean() ? rec + rnd.nextInt(27) : rec + 27 + 188 * rnd.nextInt(4);
                            if (at < b.length) {
                                b[at] = (byte) (b[at] ^ (1 + rnd.nextInt(255)));
                            }
                        }
                        Files.write(f, b);
                    }
                    case 3 -> {
                        // garbage between records (inside a payload it is payload corruption, which the format
                        // has no checksum to detect: see docs/es-ts.md)
                        byte[] junk = new byte[1 + rnd.nextInt(3000)];
                        rnd.nextBytes(junk);
                        List<Long> offs = Vectors.recordOffsets(Vectors.segments().resolve(key));
                        int at = rnd.nextInt(4) == 0 ? b.length
                                : Math.min(b.length, offs.get(rnd.nextInt(offs.size())).intValue());
                        byte[] d = new byte[b.length + junk.length];
                        System.arraycopy(b, 0, d, 0, at);
                        System.arraycopy(junk, 0, d, at, junk.length);
                        System.arraycopy(b, at, d, at + junk.length, b.length - at);
                        Files.write(f, d);
                    }
                    default -> {
                        byte[] junk = new byte[1 + rnd.nextInt(500)];
                        rnd.nextBytes(junk);
                        Files.write(f, junk);
                    }
                }
            }
            boolean trim = rnd.nextBoolean();
            Instant from = Vectors.FIRST_START.plusMillis(rnd.nextInt(20_000));
            Instant to = from.plusMillis(1 + rnd.nextInt(12_000));
            if (!trim && rnd.nextBoolean()) {
                from = Vectors.FIRST_START;
                to = Vectors.LAST_END;
            }
            Path out = dir.resolve("out.ts");
            EsFetchReport r;
            try {
                r = EsToTsParser.create(EsSegmentStore.directory(src), EsFetchOptions.defaults().withTrim(trim))
                        .fetch(from, to, out);
            } catch (EsNothingInRangeException e) {
                assertThat(out).doesNotExist();
                return;
            }
            for (EsCorruption c : r.corrupt()) {
                assertThat(damaged).contains(c.key());
            }
            for (String m : r.missing()) {
                if (keys.contains(m)) {
                    assertThat(damaged).contains(m); // beyond the recording, keys are missing anyway
                }
            }
            byte[] got = Vectors.withoutInsertedDiscontinuities(Files.readAllBytes(out));
            byte[] full = Vectors.expectedFull();
            // every output packet is a recorded packet, in recorded order (trim adds PAT/PMT copies at the start)
            int from188 = 0;
            int skipCopies = trim ? 2 : 0;
            for (int p = skipCopies * 188; p < got.length; p += 188) {
                byte[] pkt = Arrays.copyOfRange(got, p, p + 188);
                int found = -1;
                for (int q = from188; q + 188 <= full.length; q += 188) {
                    if (Arrays.equals(pkt, 0, 188, full, q, q + 188)) {
                        found = q;
                        break;
                    }
                }
                assertThat(found).as("packet %d of the output is a recorded packet after the previous one", p / 188)
                        .isGreaterThanOrEqualTo(0);
                from188 = found + 188;
            }
            TsCheckReport check = TsChecker.create().check(out);
            assertThat(check.ccErrors()).as("%s", check.errors()).isZero();
            assertThat(check.syncLosses()).isZero();
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
