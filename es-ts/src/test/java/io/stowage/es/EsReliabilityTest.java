package io.stowage.es;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 17: each es-ts defect the adversarial pass found, as a regression test named after it. */
class EsReliabilityTest {
    @TempDir
    Path tmp;

    private final EsFetchOptions every = EsFetchOptions.defaults().withCheckpointInterval(Duration.ZERO);

    private static EsFetchListener crashAfter(int segments) {
        return new EsFetchListener() {
            int n;

            @Override
            public void onSegment(EsSegment segment, long bytesSoFar) {
                if (++n == segments) {
                    throw new EsResumeTest.Crash();
                }
            }
        };
    }

    private Path interrupted(Path out) {
        EsSegmentStore dir = EsSegmentStore.directory(Vectors.segments());
        assertThatThrownBy(() -> EsToTsParser.create(dir, every.withListener(crashAfter(4)))
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out)).isInstanceOf(EsResumeTest.Crash.class);
        return out.resolveSibling(out.getFileName() + ".part.json");
    }

    @Test
    void resumeCheckpointWithNextIndexPastThePlanIsRefused() throws Exception {
        Path out = tmp.resolve("clip.ts");
        Path state = interrupted(out);
        Files.writeString(state, Files.readString(state).replaceAll("\"next_index\": \\d+", "\"next_index\": 7000"));
        byte[] part = Files.readAllBytes(tmp.resolve("clip.ts.part"));
        assertThatThrownBy(() -> EsToTsParser.create(EsSegmentStore.directory(Vectors.segments()),
                every.withResume(true)).fetch(Vectors.FIRST_START, Vectors.LAST_END, out))
                .isInstanceOf(EsResumeException.class).hasMessageContaining("next_index 7000")
                .hasMessageContaining("without --resume");
        assertThat(out).doesNotExist();
        assertThat(Files.readAllBytes(tmp.resolve("clip.ts.part"))).isEqualTo(part);
    }

    @Test
    void resumeCheckpointWithTamperedFieldsIsRefusedNeverACrash() throws Exception {
        Path out = tmp.resolve("clip.ts");
        Path state = interrupted(out);
        String good = Files.readString(state);
        String[][] tampering = {
            {"\"bytes\": \\d+", "\"bytes\": 999999999999"},
            {"\"bytes\": \\d+", "\"bytes\": 1000"},
            {"\"bytes\": \\d+", "\"bytes\": -188"},
            {"\"records\": \\d+", "\"records\": 99999999"},
            {"\"segments_fetched\": \\d+", "\"segments_fetched\": 99"},
            {"\"crc32\": \\d+", "\"crc32\": \"x\""},
            {"\"crc32\": \\d+", "\"crc32\": 99999999999"},
            {"\"next_index\": \\d+", "\"next_index\": -1"},
            {"\"next_index\": \\d+", "\"next_index\": 1e400"},
            {"\"suspect\": \\[[^\\]]*\\]", "\"suspect\": [1, 2, 7, 0]"},
            {"\"suspect\": \\[[^\\]]*\\]", "\"suspect\": [null, 2, 0, 0]"},
            {"\"suspect\": \\[[^\\]]*\\]", "\"suspect\": \"text\""},
            {"\"gaps\": \\[", "\"gaps\": [{\"from\": \"yesterday\", \"to\": \"today\", \"reason\": \"x\"}, "},
            {"\"gaps\": \\[", "\"gaps\": [null, "},
            {"\"missing\": \\[", "\"missing\": [" + "[".repeat(100_000)},
            {"\"missing_count\": \\d+", "\"missing_count\": 9"},
        };
        for (String[] t : tampering) {
            String bad = good.replaceFirst(t[0], java.util.regex.Matcher.quoteReplacement(t[1]));
            assertThat(bad).as("tampering %s applies", t[0]).isNotEqualTo(good);
            Files.writeString(state, bad);
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> EsToTsParser.create(
                    EsSegmentStore.directory(Vectors.segments()), every.withResume(true))
                    .fetch(Vectors.FIRST_START, Vectors.LAST_END, out));
            assertThat(thrown).as("checkpoint with %s", t[1].length() > 80 ? t[1].substring(0, 80) : t[1])
                    .isInstanceOf(EsResumeException.class).hasMessageContaining("without --resume");
        }
        Files.writeString(state, good);
        EsFetchReport r = EsToTsParser.create(EsSegmentStore.directory(Vectors.segments()), every.withResume(true))
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out);
        assertThat(r.segmentsResumed()).isEqualTo(3);
        Vectors.assertSameBytes(Files.readAllBytes(out), Vectors.expectedFull());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void fifoOrDeviceLinkNamedLikeASegmentIsNotReadAndDoesNotHang() throws Exception {
        Path src = Vectors.copySegments(Files.createDirectories(tmp.resolve("src")));
        Files.delete(src.resolve(EsFetchDamageTest.S1));
        Files.delete(src.resolve(EsFetchDamageTest.S2));
        Process p = new ProcessBuilder("mkfifo", src.resolve(EsFetchDamageTest.S1).toString()).start();
        assertThat(p.waitFor()).isZero();
        Files.createSymbolicLink(src.resolve(EsFetchDamageTest.S2), Path.of("/dev/zero"));
        for (boolean listing : new boolean[] {false, true}) {
            EsFetchReport r = EsToTsParser.create(EsSegmentStore.directory(src), EsFetchOptions.defaults()
                    .withListing(listing)).fetch(Vectors.FIRST_START, Vectors.LAST_END, tmp.resolve(listing + ".ts"));
            assertThat(r.complete()).isFalse();
            if (listing) {
                // only regular files are listed: the stretch they name is a hole
                assertThat(r.gaps()).anyMatch(g -> !g.from().isAfter(Instant.ofEpochSecond(1735732800))
                        && !g.to().isBefore(Instant.ofEpochSecond(1735732808)));
            } else {
                assertThat(r.failed()).extracting(EsFailure::key)
                        .containsExactly(EsFetchDamageTest.S1, EsFetchDamageTest.S2);
                assertThat(r.failed()).extracting(EsFailure::reason).allMatch(s -> s.contains("not a regular file"));
            }
        }
    }

    @Test
    void strayFileNamedLikeAnImpossibleSegmentIsIgnoredAndReported() throws Exception {
        Path src = Vectors.copySegments(Files.createDirectories(tmp.resolve("src")));
        Path folder = src.resolve(EsFetchDamageTest.S1).getParent();
        Files.write(folder.resolve("1735732800-9223372036854775807.es"), new byte[] {1, 2, 3});
        Files.write(folder.resolve("1735732800-99999999999999999999.es"), new byte[] {1, 2, 3});
        List<String> ignored = Collections.synchronizedList(new ArrayList<>());
        EsFetchReport r = EsToTsParser.create(EsSegmentStore.directory(src), EsFetchOptions.defaults().withListing(true)
                .withListener(new EsFetchListener() {
                    @Override
                    public void onIgnored(String key, String reason) {
                        ignored.add(key + ": " + reason);
                    }
                })).fetch(Vectors.FIRST_START, Vectors.LAST_END, tmp.resolve("out.ts"));
        assertThat(r.complete()).isTrue();
        Vectors.assertSameBytes(Files.readAllBytes(tmp.resolve("out.ts")), Vectors.expectedFull());
        assertThat(ignored).hasSize(2).anyMatch(s -> s.contains("9223372036854775807.es: end"))
                .anyMatch(s -> s.contains("99999999999999999999.es: "));
    }

    /** A segment of {@code n} empty records (valid headers, payload size 0) at {@code utcNs}. */
    private static void writeEmptyRecords(Path f, int n, long utcNs) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(27 * 10_000).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < n; i++) {
                h.put((byte) 0xA5).putShort((short) 27).putLong(utcNs).putLong(0).putLong(0);
                if (!h.hasRemaining()) {
                    h.flip();
                    ch.write(h);
                    h.clear();
                }
            }
            h.flip();
            ch.write(h);
        }
    }

    @Test
    void twoMillionEmptyRecordsGiveOneCorruptRangeNotTwoMillion() throws Exception {
        Path src = Vectors.copySegments(Files.createDirectories(tmp.resolve("src")));
        writeEmptyRecords(src.resolve(EsFetchDamageTest.S2), 2_000_000, 1735732805_000_000_000L);
        EsFetchReport r = EsToTsParser.create(EsSegmentStore.directory(src), EsFetchOptions.defaults())
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, tmp.resolve("out.ts"));
        assertThat(r.corrupt()).hasSize(1);
        assertThat(r.corruptCount()).isEqualTo(1);
        EsCorruption c = r.corrupt().get(0);
        assertThat(c.key()).isEqualTo(EsFetchDamageTest.S2);
        assertThat(c.offset()).isZero();
        assertThat(c.length()).isEqualTo(2_000_000L * 27);
        assertThat(c.reason()).startsWith("empty records");
    }

    @Test
    void reportListsAreBoundedWithCountsOfEverything() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("few"));
        Path one = src.resolve(EsFetchDamageTest.S1);
        Files.createDirectories(one.getParent());
        Files.copy(Vectors.segments().resolve(EsFetchDamageTest.S1), one);
        EsFetchReport r = EsToTsParser.create(EsSegmentStore.directory(src), EsFetchOptions.defaults()
                .withMaxReported(2)).fetch(Vectors.FIRST_START, Vectors.LAST_END, tmp.resolve("out.ts"));
        assertThat(r.missing()).hasSize(2);
        assertThat(r.missingCount()).isEqualTo(6);
        assertThat(r.complete()).isFalse();
    }

    @Test
    void zeroByteSegmentIsAGapNotComplete() throws Exception {
        Path src = Vectors.copySegments(Files.createDirectories(tmp.resolve("src")));
        Files.write(src.resolve(EsFetchDamageTest.S2), new byte[0]);
        for (boolean remote : new boolean[] {false, true}) {
            EsSegmentStore dir = EsSegmentStore.directory(src);
            EsSegmentStore store = remote ? new EsResumeTest.CountingStore(dir) {
                @Override
                public boolean isRemote() {
                    return true;
                }
            } : dir;
            EsFetchReport r = EsToTsParser.create(store, EsFetchOptions.defaults())
                    .fetch(Vectors.FIRST_START, Vectors.LAST_END, tmp.resolve(remote + ".ts"));
            assertThat(r.complete()).as("remote %s", remote).isFalse();
            assertThat(r.gaps()).extracting(EsGap::reason).contains("empty segment");
            assertThat(r.gaps()).anyMatch(g -> g.from().equals(Instant.ofEpochSecond(1735732804))
                    && g.to().equals(Instant.ofEpochSecond(1735732808)));
        }
    }

    @Test
    void failedSegmentIsNotCountedAsFetched() throws Exception {
        EsSegmentStore dir = EsSegmentStore.directory(Vectors.segments());
        EsSegmentStore breaking = new EsResumeTest.CountingStore(dir) {
            @Override
            public SegmentData open(String key) {
                SegmentData d = super.open(key);
                if (!key.equals(EsFetchDamageTest.S2)) {
                    return d;
                }
                AtomicInteger reads = new AtomicInteger();
                return new SegmentData() {
                    @Override
                    public ReadableByteChannel channel() {
                        return new ReadableByteChannel() {
                            @Override
                            public int read(ByteBuffer dst) throws IOException {
                                if (reads.incrementAndGet() > 1) {
                                    throw new IOException("simulated read failure");
                                }
                                ByteBuffer one = ByteBuffer.allocate(Math.min(dst.remaining(), 1000));
                                int n = d.channel().read(one);
                                one.flip();
                                dst.put(one);
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
                    }

                    @Override
                    public long size() {
                        return d.size();
                    }

                    @Override
                    public void close() throws IOException {
                        d.close();
                    }
                };
            }
        };
        EsFetchReport r = EsToTsParser.create(breaking, EsFetchOptions.defaults())
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, tmp.resolve("out.ts"));
        assertThat(r.failed()).extracting(EsFailure::key).containsExactly(EsFetchDamageTest.S2);
        assertThat(r.segmentsFetched()).isEqualTo(6);
    }

    @Test
    void fromAtTheLargestEpochSecondIsAnInvalidRangeNamingIt() {
        Instant from = Instant.ofEpochSecond(9223372036L * 1000);
        EsToTsParser p = EsToTsParser.create(EsSegmentStore.directory(Vectors.segments()), EsFetchOptions.defaults());
        assertThatThrownBy(() -> p.fetch(from, from.plusSeconds(10), tmp.resolve("x.ts")))
                .isInstanceOf(EsInvalidRangeException.class).hasMessageContaining(from.toString())
                .hasMessageContaining("outside the times segments can have");
        Instant near = EsInvalidRangeException.LATEST.minusSeconds(5);
        assertThatThrownBy(() -> p.fetch(near, near.plusSeconds(10), tmp.resolve("x.ts")))
                .isInstanceOf(EsInvalidRangeException.class);
        assertThat(tmp.resolve("x.ts")).doesNotExist();
    }

    @Test
    void stopRequestedBetweenSegmentsKeepsAConsistentPartThatResumes() throws Exception {
        Path out = tmp.resolve("clip.ts");
        AtomicInteger segments = new AtomicInteger();
        EsFetchOptions o = EsFetchOptions.defaults().withStopRequested(() -> segments.get() >= 3)
                .withListener(new EsFetchListener() {
                    @Override
                    public void onSegment(EsSegment segment, long bytesSoFar) {
                        segments.incrementAndGet();
                    }
                });
        EsSegmentStore dir = EsSegmentStore.directory(Vectors.segments());
        EsFetchStoppedException e = org.junit.jupiter.api.Assertions.assertThrows(EsFetchStoppedException.class,
                () -> EsToTsParser.create(dir, o).fetch(Vectors.FIRST_START, Vectors.LAST_END, out));
        assertThat(e.report().segmentsFetched()).isEqualTo(3);
        assertThat(e.partFile()).isEqualTo(tmp.resolve("clip.ts.part").toAbsolutePath());
        assertThat(Files.size(e.partFile())).isEqualTo(e.report().bytesWritten());
        assertThat(Files.readString(tmp.resolve("clip.ts.part.json"))).contains("\"next_index\": 3",
                "\"bytes\": " + e.report().bytesWritten());
        EsFetchReport r = EsToTsParser.create(dir, EsFetchOptions.defaults().withResume(true))
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out);
        assertThat(r.segmentsResumed()).isEqualTo(3);
        assertThat(r.complete()).isTrue();
        Vectors.assertSameBytes(Files.readAllBytes(out), Vectors.expectedFull());
    }
}
