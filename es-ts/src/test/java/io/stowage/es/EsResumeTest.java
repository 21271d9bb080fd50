package io.stowage.es;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Output to OUT.part with OUT.part.json, rename when done, --resume from the verified prefix. */
class EsResumeTest {
    @TempDir
    Path tmp;

    /** A store that records which keys were opened. */
    static class CountingStore implements EsSegmentStore {
        final EsSegmentStore inner;
        final List<String> opened = Collections.synchronizedList(new ArrayList<>());

        CountingStore(EsSegmentStore inner) {
            this.inner = inner;
        }

        @Override
        public String location() {
            return inner.location();
        }

        @Override
        public SegmentData open(String key) {
            opened.add(key);
            return inner.open(key);
        }

        @Override
        public List<String> list(String folder) {
            return inner.list(folder);
        }

        @Override
        public boolean isRemote() {
            return inner.isRemote();
        }
    }

    static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Crash() {
            super("simulated crash");
        }
    }

    private static EsFetchListener crashAfter(int segments) {
        return new EsFetchListener() {
            int n;

            @Override
            public void onSegment(EsSegment segment, long bytesSoFar) {
                if (++n == segments) {
                    throw new Crash();
                }
            }
        };
    }

    private final EsFetchOptions every = EsFetchOptions.defaults().withCheckpointInterval(Duration.ZERO);

    @Test
    void resumeContinuesWithoutFetchingFinishedSegmentsAgain() throws Exception {
        Path out = tmp.resolve("clip.ts");
        EsSegmentStore dir = EsSegmentStore.directory(Vectors.segments());
        assertThatThrownBy(() -> EsToTsParser.create(dir, every.withListener(crashAfter(4)))
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out)).isInstanceOf(Crash.class);
        Path part = tmp.resolve("clip.ts.part");
        Path state = tmp.resolve("clip.ts.part.json");
        assertThat(out).doesNotExist();
        assertThat(part).exists();
        assertThat(state).exists();
        assertThat(Files.readString(state)).contains("\"next_index\": 3");
        // a torn write after the last checkpoint
        Files.write(part, new byte[] {0x47, 1, 2, 3, 4}, StandardOpenOption.APPEND);

        // without --resume an existing part is simply replaced; with it, the fetch continues
        CountingStore counting = new CountingStore(dir);
        EsFetchReport r = EsToTsParser.create(counting, every.withResume(true))
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out);
        assertThat(counting.opened).containsExactlyElementsOf(Vectors.keys().subList(3, 7));
        assertThat(r.segmentsResumed()).isEqualTo(3);
        assertThat(r.records()).isEqualTo(398);
        assertThat(r.complete()).isTrue();
        Vectors.assertSameBytes(Files.readAllBytes(out), Vectors.expectedFull());
        assertThat(part).doesNotExist();
        assertThat(state).doesNotExist();
    }

    @Test
    void resumedReportEqualsAnUninterruptedOne() throws Exception {
        Path src = Vectors.copySegments(Files.createDirectories(tmp.resolve("src")));
        Files.delete(src.resolve(EsFetchDamageTest.S1));
        Files.write(src.resolve(EsFetchDamageTest.S4), "not es".getBytes(), StandardOpenOption.APPEND);
        EsSegmentStore store = EsSegmentStore.directory(src);
        Path straight = tmp.resolve("straight.ts");
        EsFetchReport want = EsToTsParser.create(store, every).fetch(Vectors.FIRST_START, Vectors.LAST_END, straight);

        Path out = tmp.resolve("resumed.ts");
        assertThatThrownBy(() -> EsToTsParser.create(store, every.withListener(crashAfter(5)))
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out)).isInstanceOf(Crash.class);
        EsFetchReport got = EsToTsParser.create(store, every.withResume(true))
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out);
        Vectors.assertSameBytes(Files.readAllBytes(out), Files.readAllBytes(straight));
        assertThat(got.segmentsResumed()).isEqualTo(4);
        assertThat(got.missing()).isEqualTo(want.missing());
        assertThat(got.corrupt()).isEqualTo(want.corrupt());
        assertThat(got.gaps()).isEqualTo(want.gaps());
        assertThat(got.records()).isEqualTo(want.records());
        assertThat(got.discontinuitiesMarked()).isEqualTo(want.discontinuitiesMarked());
        assertThat(got.segmentsFetched()).isEqualTo(want.segmentsFetched());
    }

    /**
     * Issue 17: a part whose prefix no longer matches the checkpoint's CRC-32 is refused (nothing changed), with the
     * advice to re-run without --resume; that run gives the right bytes.
     */
    @Test
    void damagedPartIsRefusedAndAFetchWithoutResumeGivesTheRightBytes() throws Exception {
        Path out = tmp.resolve("clip.ts");
        EsSegmentStore dir = EsSegmentStore.directory(Vectors.segments());
        assertThatThrownBy(() -> EsToTsParser.create(dir, every.withListener(crashAfter(3)))
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out)).isInstanceOf(Crash.class);
        Path part = tmp.resolve("clip.ts.part");
        byte[] b = Files.readAllBytes(part);
        b[1000] ^= 0x55;
        Files.write(part, b);
        assertThatThrownBy(() -> EsToTsParser.create(dir, every.withResume(true))
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out)).isInstanceOf(EsResumeException.class)
                .hasMessageContaining("CRC-32").hasMessageContaining("without --resume");
        assertThat(Files.readAllBytes(part)).isEqualTo(b);
        EsFetchReport r = EsToTsParser.create(dir, every).fetch(Vectors.FIRST_START, Vectors.LAST_END, out);
        assertThat(r.segmentsResumed()).isZero();
        Vectors.assertSameBytes(Files.readAllBytes(out), Vectors.expectedFull());
    }

    @Test
    void resumeOfAnotherFetchIsRefused() throws IOException {
        Path out = tmp.resolve("clip.ts");
        EsSegmentStore dir = EsSegmentStore.directory(Vectors.segments());
        assertThatThrownBy(() -> EsToTsParser.create(dir, every.withListener(crashAfter(3)))
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out)).isInstanceOf(Crash.class);
        byte[] before = Files.readAllBytes(tmp.resolve("clip.ts.part"));
        assertThatThrownBy(() -> EsToTsParser.create(dir, every.withResume(true))
                .fetch(Vectors.FIRST_START.plusSeconds(4), Vectors.LAST_END, out))
                .isInstanceOf(EsResumeException.class).hasMessageContaining("belongs to another fetch");
        assertThat(Files.readAllBytes(tmp.resolve("clip.ts.part"))).isEqualTo(before);
    }

    /**
     * The store of {@code legacy-checkpoint/clip.ts.part.json}: a fixed location (the plan hash includes it), S1
     * missing, S2 denied, S4 with trailing junk. That checkpoint was written by the hand-written JSON writer this
     * module had before {@code ResumeCheckpoint}, after five segments.
     */
    private Path legacySource() throws IOException {
        Path src = Vectors.copySegments(Files.createDirectories(tmp.resolve("src")));
        Files.delete(src.resolve(EsFetchDamageTest.S1));
        Files.write(src.resolve(EsFetchDamageTest.S4), "not es".getBytes(), StandardOpenOption.APPEND);
        return src;
    }

    private static CountingStore legacyStore(Path src) {
        return new CountingStore(EsSegmentStore.directory(src)) {
            @Override
            public String location() {
                return "legacy-vectors";
            }

            @Override
            public SegmentData open(String key) {
                if (key.equals(EsFetchDamageTest.S2)) {
                    throw new EsStoreException(key, "cannot read " + key + " (HTTP 403 AccessDenied): simulated",
                            false, null);
                }
                return super.open(key);
            }
        };
    }

    @Test
    void checkpointWrittenBeforeJacksonStillResumes() throws Exception {
        Path src = legacySource();
        EsSegmentStore store = legacyStore(src);
        Path straight = tmp.resolve("straight.ts");
        EsFetchReport want = EsToTsParser.create(store, every).fetch(Vectors.FIRST_START, Vectors.LAST_END, straight);
        byte[] full = Files.readAllBytes(straight);

        Path out = tmp.resolve("clip.ts");
        String legacy;
        try (var in = EsResumeTest.class.getResourceAsStream("/legacy-checkpoint/clip.ts.part.json")) {
            legacy = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(legacy).contains("\"bytes\": 213568", "\"suspect_reason\": \"corrupt data\"");
        Files.writeString(tmp.resolve("clip.ts.part.json"), legacy);
        Files.write(tmp.resolve("clip.ts.part"), java.util.Arrays.copyOf(full, 213568));

        CountingStore counting = legacyStore(src);
        EsFetchReport got = EsToTsParser.create(counting, every.withResume(true))
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out);
        assertThat(got.segmentsResumed()).isEqualTo(5);
        assertThat(counting.opened).containsExactlyElementsOf(Vectors.keys().subList(5, 7));
        Vectors.assertSameBytes(Files.readAllBytes(out), full);
        assertThat(got.missing()).isEqualTo(want.missing()).hasSize(1);
        assertThat(got.failed()).isEqualTo(want.failed()).hasSize(1);
        assertThat(got.corrupt()).isEqualTo(want.corrupt()).hasSize(1);
        assertThat(got.gaps()).isEqualTo(want.gaps());
        assertThat(got.records()).isEqualTo(want.records());
        assertThat(got.discontinuitiesMarked()).isEqualTo(want.discontinuitiesMarked());
        assertThat(got.segmentsFetched()).isEqualTo(want.segmentsFetched());
        assertThat(got.actualStart()).isEqualTo(want.actualStart());
        assertThat(got.actualEnd()).isEqualTo(want.actualEnd());
    }

    @Test
    void resumeWithNothingToResumeIsAFreshFetch() throws Exception {
        Path out = tmp.resolve("fresh.ts");
        EsFetchReport r = EsToTsParser.create(EsSegmentStore.directory(Vectors.segments()), every.withResume(true))
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out);
        assertThat(r.segmentsResumed()).isZero();
        Vectors.assertSameBytes(Files.readAllBytes(out), Vectors.expectedFull());
    }
}
