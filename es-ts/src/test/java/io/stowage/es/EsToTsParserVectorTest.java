package io.stowage.es;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reference vectors through the whole pipeline, from a local folder. */
class EsToTsParserVectorTest {
    @TempDir
    Path tmp;

    private EsToTsParser parser(EsFetchOptions o) {
        return EsToTsParser.create(EsSegmentStore.directory(Vectors.segments()), o);
    }

    @Test
    void fullRangeIsByteIdenticalToExpectedFull() throws Exception {
        Path out = tmp.resolve("full.ts");
        EsFetchReport r = parser(EsFetchOptions.defaults()).fetch(Vectors.FIRST_START, Vectors.LAST_END, out);

        Vectors.assertSameBytes(Files.readAllBytes(out), Vectors.expectedFull());
        assertThat(r.complete()).isTrue();
        assertThat(r.segmentsExpected()).isEqualTo(7);
        assertThat(r.segmentsFetched()).isEqualTo(7);
        assertThat(r.records()).isEqualTo(398);
        assertThat(r.bytesWritten()).isEqualTo(Vectors.expectedFull().length);
        assertThat(r.discontinuitiesMarked()).isZero();
        assertThat(r.actualStart()).isEqualTo(Instant.parse("2025-01-01T11:59:58Z"));
        assertThat(r.actualEnd()).isEqualTo(Instant.ofEpochSecond(1735732821, 920_000_000));
        assertThat(Files.exists(tmp.resolve("full.ts.part"))).isFalse();
        assertThat(Files.exists(tmp.resolve("full.ts.part.json"))).isFalse();
    }

    @Test
    void streamingModeWritesTheSameBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EsFetchReport r = parser(EsFetchOptions.defaults()).fetch(Vectors.FIRST_START, Vectors.LAST_END, out);
        Vectors.assertSameBytes(out.toByteArray(), Vectors.expectedFull());
        assertThat(r.output()).isEqualTo("-");
    }

    @Test
    void everySubRangeGivesItsWholeSegments() throws Exception {
        List<String> keys = Vectors.keys();
        long first = Vectors.FIRST_START.getEpochSecond();
        int n = 0;
        for (long a = first - 3; a < first + 28; a += 3) {
            for (long b = a + 1; b <= first + 31; b += 5) {
                Instant from = Instant.ofEpochSecond(a, 250_000_000);
                Instant to = Instant.ofEpochSecond(b);
                List<String> want = new ArrayList<>();
                for (String k : keys) {
                    EsSegment s = EsSegment.parseKey(k).orElseThrow();
                    if (s.overlaps(from, to)) {
                        want.add(k);
                    }
                }
                EsToTsParser p = parser(EsFetchOptions.defaults());
                assertThat(p.plan(from, to).stream().map(EsSegment::key).filter(keys::contains).toList())
                        .as("keys for %s .. %s", from, to).isEqualTo(want);
                Path out = tmp.resolve("sub-" + (n++) + ".ts");
                if (want.isEmpty()) {
                    assertThatThrownBy(() -> p.fetch(from, to, out)).isInstanceOf(EsNothingInRangeException.class);
                    assertThat(out).doesNotExist();
                    assertThat(tmp.resolve(out.getFileName() + ".part")).doesNotExist();
                    continue;
                }
                EsFetchReport r = p.fetch(from, to, out);
                assertThat(Files.readAllBytes(out)).as("bytes for %s .. %s", from, to)
                        .isEqualTo(Vectors.payloadOfKeys(want));
                assertThat(r.segmentsFetched()).isEqualTo(want.size());
                assertThat(r.segmentsExpected() - r.missing().size()).isEqualTo(want.size());
            }
        }
        assertThat(n).isGreaterThan(20);
    }

    @Test
    void refusesAnExistingOutputWithoutForce() throws Exception {
        Path out = tmp.resolve("x.ts");
        Files.writeString(out, "keep me");
        assertThatThrownBy(() -> parser(EsFetchOptions.defaults()).fetch(Vectors.FIRST_START, Vectors.LAST_END, out))
                .isInstanceOf(EsOutputExistsException.class).hasMessageContaining("--force");
        assertThat(Files.readString(out)).isEqualTo("keep me");

        parser(EsFetchOptions.defaults().withOverwrite(true)).fetch(Vectors.FIRST_START, Vectors.LAST_END, out);
        Vectors.assertSameBytes(Files.readAllBytes(out), Vectors.expectedFull());
    }

    @Test
    void badRangesAreRefused() {
        EsToTsParser p = parser(EsFetchOptions.defaults().withMaxRange(java.time.Duration.ofHours(1)));
        Path out = tmp.resolve("r.ts");
        assertThatThrownBy(() -> p.fetch(Vectors.LAST_END, Vectors.FIRST_START, out))
                .isInstanceOf(EsInvalidRangeException.class).hasMessageContaining("must be before");
        assertThatThrownBy(() -> p.fetch(Vectors.FIRST_START, Vectors.FIRST_START, out))
                .isInstanceOf(EsInvalidRangeException.class);
        assertThatThrownBy(() -> p.fetch(Vectors.FIRST_START, Vectors.FIRST_START.plusSeconds(7201), out))
                .isInstanceOf(EsInvalidRangeException.class).hasMessageContaining("limit 3600");
        assertThat(out).doesNotExist();
    }

    @Test
    void failuresCarryTheirFacts() {
        EsToTsParser p = parser(EsFetchOptions.defaults().withMaxRange(java.time.Duration.ofHours(1)));
        Instant late = Vectors.FIRST_START.plusSeconds(7201);
        assertThatThrownBy(() -> p.fetch(Vectors.FIRST_START, late, tmp.resolve("r.ts")))
                .isInstanceOfSatisfying(EsInvalidRangeException.class, e -> {
                    assertThat(e.from()).isEqualTo(Vectors.FIRST_START);
                    assertThat(e.to()).isEqualTo(late);
                    assertThat(e.maxRange()).isEqualTo(java.time.Duration.ofHours(1));
                });
        EsSegmentStore dir = EsSegmentStore.directory(Vectors.segments());
        assertThatThrownBy(() -> dir.open("01012025/12/0-4.es"))
                .isInstanceOfSatisfying(EsSegmentMissingException.class, e -> {
                    assertThat(e.key()).isEqualTo("01012025/12/0-4.es");
                    assertThat(e.where()).isEqualTo(dir.location());
                    assertThat(e.isTransient()).isFalse();
                });
        assertThat(EsFetchOptions.defaults().listener()).isSameAs(EsFetchListener.none());
    }

    @Test
    void listingModeFindsTheSameSegments() throws Exception {
        Path out = tmp.resolve("listed.ts");
        EsFetchReport r = parser(EsFetchOptions.defaults().withListing(true).withSegmentDuration(
                java.time.Duration.ofSeconds(7))).fetch(Vectors.FIRST_START, Vectors.LAST_END, out);
        Vectors.assertSameBytes(Files.readAllBytes(out), Vectors.expectedFull());
        assertThat(r.segmentsExpected()).isEqualTo(7);
        assertThat(r.gaps()).isEmpty();
    }

    @Test
    void nothingInRangeLeavesNoFile() {
        Path out = tmp.resolve("none.ts");
        assertThatThrownBy(() -> parser(EsFetchOptions.defaults()).fetch(Instant.parse("2025-01-02T00:00:00Z"),
                Instant.parse("2025-01-02T00:00:10Z"), out))
                .isInstanceOf(EsNothingInRangeException.class)
                .satisfies(e -> assertThat(((EsNothingInRangeException) e).report().missing()).hasSize(3));
        assertThat(out).doesNotExist();
        assertThat(tmp.resolve("none.ts.part")).doesNotExist();
        assertThat(tmp.resolve("none.ts.part.json")).doesNotExist();
    }
}
