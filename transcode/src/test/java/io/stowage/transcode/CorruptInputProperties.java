package io.stowage.transcode;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every damaged input gives a typed error and leaves nothing behind, or a verified output: never an unverified
 * file under the real name, never an untyped failure.
 *
 * <p>jqwik has no {@code @TempDir}: the clips and every try's files live in one folder made before the container and
 * deleted after it ({@link #folder()}), so nothing is written elsewhere.
 */
class CorruptInputProperties {
    private static Transcoder transcoder;
    private static Path folder;
    private static TestMedia media;

    @BeforeContainer
    static void folder() throws Exception {
        folder = Files.createTempDirectory("stowage-corrupt-input");
        media = TestMedia.in(Files.createDirectory(folder.resolve("media")));
    }

    private static synchronized Transcoder transcoder() {
        if (transcoder == null) {
            // a fast H.264 preset: the properties are about damaged input, not about encoder quality
            transcoder = Transcoder.create(TranscoderConfig.defaults().withPresets(PresetCatalog.builtIn()
                    .with(PresetCatalog.parse("""
                            {"presets": [{"name": "quick-h264", "format": "mp4", "extension": "mp4",
                              "video": {"mode": "encode", "codec": "h264", "encoders": [
                                 {"name": "libx264", "args": ["-preset", "ultrafast", "-pix_fmt", "yuv420p"]}]},
                              "audio": {"mode": "encode", "codec": "aac", "encoders": [{"name": "aac"}]}}]}
                            """))));
        }
        return transcoder;
    }

    @AfterContainer
    static void close() throws Exception {
        if (transcoder != null) {
            transcoder.close();
        }
        if (folder != null) {
            delete(folder);
        }
    }

    private static void delete(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 25)
    void truncatedAnywhereGivesTypedErrorOrVerifiedOutput(@ForAll @DoubleRange(min = 0.01, max = 0.99) double keep,
            @ForAll boolean faststart) throws Exception {
        byte[] whole = Files.readAllBytes(media.tinyClip(faststart));
        check(Arrays.copyOf(whole, Math.max(1, (int) (whole.length * keep))));
    }

    @Property(tries = 25)
    void overwrittenBytesGiveTypedErrorOrVerifiedOutput(@ForAll @DoubleRange(min = 0, max = 0.98) double where,
            @ForAll @IntRange(min = 1, max = 4096) int length, @ForAll byte value) throws Exception {
        byte[] data = Files.readAllBytes(media.tinyClip(true));
        int from = (int) (data.length * where);
        Arrays.fill(data, from, Math.min(data.length, from + length), value);
        check(data);
    }

    private static void check(byte[] input) throws Exception {
        Path dir = Files.createTempDirectory(folder, "try");
        try {
            Path in = Files.write(dir.resolve("in.mp4"), input);
            Path outDir = dir.resolve("out");
            Path out = outDir.resolve("out.mp4");
            try {
                TranscodeReport r = transcoder().transcode(TranscodeRequest.of(in, out, "quick-h264"));
                // a result means it passed verification against what ffprobe reads in the input
                assertThat(out).exists();
                assertThat(r.outputSize()).isEqualTo(Files.size(out)).isPositive();
                // judged by the tests' own ffprobe run, not by the library's probe
                Ffprobe.Result again = Ffprobe.probe(out);
                double expected = Ffprobe.probe(in).durationSeconds();
                again.video().ifPresent(v -> assertThat(v.codec()).isEqualTo("h264"));
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
            delete(dir);
        }
    }
}
