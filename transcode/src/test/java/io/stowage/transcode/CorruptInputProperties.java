package io.stowage.transcode;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every damaged input gives a typed error and leaves nothing behind, or a verified output: never an unverified
 * file under the real name, never an untyped failure.
 */
class CorruptInputProperties {
    private static Transcoder transcoder;

    private static synchronized Transcoder transcoder() {
        if (transcoder == null) {
            transcoder = Transcoder.create();
        }
        return transcoder;
    }

    @AfterContainer
    static void close() {
        if (transcoder != null) {
            transcoder.close();
        }
    }

    @Property(tries = 8)
    void truncatedAnywhereGivesTypedErrorOrVerifiedOutput(@ForAll @DoubleRange(min = 0.01, max = 0.99) double keep,
            @ForAll boolean faststart) throws Exception {
        byte[] whole = Files.readAllBytes(faststart ? TestMedia.faststartClip() : TestMedia.clip());
        check(Arrays.copyOf(whole, Math.max(1, (int) (whole.length * keep))));
    }

    @Property(tries = 8)
    void overwrittenBytesGiveTypedErrorOrVerifiedOutput(@ForAll @DoubleRange(min = 0, max = 0.98) double where,
            @ForAll @IntRange(min = 1, max = 4096) int length, @ForAll byte value) throws Exception {
        byte[] data = Files.readAllBytes(TestMedia.faststartClip());
        int from = (int) (data.length * where);
        Arrays.fill(data, from, Math.min(data.length, from + length), value);
        check(data);
    }

    private static void check(byte[] input) throws Exception {
        Path dir = Files.createTempDirectory("stowage-corrupt");
        try {
            Path in = Files.write(dir.resolve("in.mp4"), input);
            Path outDir = dir.resolve("out");
            Path out = outDir.resolve("out.mp4");
            try {
                TranscodeReport r = transcoder().transcode(TranscodeRequest.of(in, out, "h264"));
                // a result means it passed verification against what ffprobe reads in the input
                assertThat(out).exists();
                assertThat(r.outputSize()).isEqualTo(Files.size(out)).isPositive();
                MediaInfo again = transcoder().probe(out);
                double expected = r.inputInfo().durationSeconds();
                assertThat(Math.abs(again.durationSeconds() - expected))
                        .isLessThanOrEqualTo(Math.max(0.5, 0.01 * expected));
                try (Stream<Path> s = Files.list(outDir)) {
                    assertThat(s.count()).isEqualTo(1);
                }
                Statistics.collect("verified output");
            } catch (TranscodeInputUnreadableException | TranscodeIncompatibleInputException | TranscodeFailedException
                    | TranscodeVerificationFailedException e) {
                Statistics.collect(e.getClass().getSimpleName());
                if (Files.exists(outDir)) {
                    try (Stream<Path> s = Files.list(outDir)) {
                        assertThat(s.toList()).as("nothing left behind after %s", e.toString()).isEmpty();
                    }
                }
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
