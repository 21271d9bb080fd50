package io.stowage.transcode;

import io.stowage.transcode.internal.EncoderRegistry;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What holds on any host, GPU or not: the encoder a job used is the first entry of the preset's list that the library
 * says works here (its trial encode, {@link EncoderRegistry#usability}); every entry before it was skipped because it
 * does not work here, or (hardware only) tried and failed. No test names {@code libx264} or "nvenc skipped".
 *
 * <p>{@code EncoderChoice.assertFirstUsableChosen(transcoder, preset.video(), report, report.videoEncoder());}
 *
 * <p>Stateless, so thread-safe.
 */
final class EncoderChoice {
    private EncoderChoice() {}

    /** The entry the library would try first for this stream here: the first whose trial encode works. */
    static Preset.EncoderOption firstUsable(Transcoder transcoder, Preset.StreamSpec spec) {
        EncoderRegistry registry = transcoder.encoders();
        return spec.encoders().stream().filter(o -> registry.usability(o).usable()).findFirst()
                .orElseThrow(() -> new AssertionError("no encoder of " + spec.encoders() + " works here"));
    }

    /**
     * Checks that {@code chosen} (the report's video or audio encoder) is the first usable entry of {@code spec}, or
     * a later usable one only after every usable entry before it, all hardware, failed for this job; and that the
     * attempts list says so: skipped entries exactly the unusable ones.
     */
    static void assertFirstUsableChosen(Transcoder transcoder, Preset.StreamSpec spec, TranscodeReport report,
            String chosen) {
        EncoderRegistry registry = transcoder.encoders();
        List<String> names = spec.encoders().stream().map(Preset.EncoderOption::name).toList();
        List<EncoderAttempt> mine = report.attempts().stream().filter(a -> names.contains(a.encoder())).toList();
        List<Preset.EncoderOption> unusable = spec.encoders().stream()
                .filter(o -> !registry.usability(o).usable()).toList();
        assertThat(mine.stream().filter(a -> a.outcome() == EncoderAttempt.Verdict.SKIPPED)
                .map(EncoderAttempt::encoder).toList())
                .as("skipped = the entries the library finds unusable here").isEqualTo(unusable.stream()
                        .map(Preset.EncoderOption::name).toList());
        List<EncoderAttempt> tried = mine.stream().filter(a -> a.outcome() != EncoderAttempt.Verdict.SKIPPED)
                .toList();
        if (tried.isEmpty()) {
            // the stream that does not vary (audio beside encoded video) takes its first usable encoder, unlisted
            assertThat(chosen).isEqualTo(firstUsable(transcoder, spec).name());
            return;
        }
        List<Preset.EncoderOption> usable = spec.encoders().stream().filter(o -> registry.usability(o).usable())
                .toList();
        for (int i = 0; i < tried.size(); i++) {
            EncoderAttempt a = tried.get(i);
            Preset.EncoderOption o = usable.get(i);
            assertThat(a.encoder()).as("attempt %d tries the usable entries in order", i).isEqualTo(o.name());
            assertThat(a.hardware()).isEqualTo(o.isHardware());
            if (a.outcome() == EncoderAttempt.Verdict.USED) {
                assertThat(i).as("USED is the last attempt").isEqualTo(tried.size() - 1);
                assertThat(chosen).isEqualTo(o.name());
                if (i > 0) {
                    assertThat(tried.subList(0, i)).as("only failed hardware encoders come before the one used")
                            .allSatisfy(f -> assertThat(f.hardware()).isTrue());
                }
                return;
            }
            assertThat(a.outcome()).isEqualTo(EncoderAttempt.Verdict.FAILED);
        }
        fail("no USED attempt among " + report.attempts());
    }
}
