package io.stowage.transcode.internal;

import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.Preset;
import io.stowage.transcode.StreamInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The checks an output must pass before it gets its real name (DESIGN.md, rules that protect data): non-empty,
 * readable by ffprobe (the caller probes), expected streams and codecs, duration within max(0.5 s, 1 %) of the
 * expected duration, and optionally not larger than the input.
 *
 * <p>Stateless, so thread-safe.
 */
public final class Verifier {
    private Verifier() {}

    /** Tolerance for a duration: max(0.5 s, 1 % of it). */
    public static double toleranceSeconds(double expectedSeconds) {
        return Math.max(0.5, 0.01 * expectedSeconds);
    }

    /**
     * Returns every problem found; empty when the output passes.
     *
     * @param expected the duration the output should have, or {@code null} when unknown
     */
    public static List<String> check(Preset preset, MediaInfo input, MediaInfo output, Duration expected,
            boolean rejectLarger) {
        List<String> problems = new ArrayList<>();
        if (output.size() <= 0) {
            problems.add("output is empty (0 bytes)");
        }
        checkStream(problems, "video", preset.video(), input.video(), output.video());
        checkStream(problems, "audio", preset.audio(), input.audio(), output.audio());
        if (preset.checksDuration()) {
            if (expected == null) {
                problems.add("the input's duration is unknown (ffprobe reports none), so the output's cannot be "
                        + "checked; remux the input to a container with a duration first");
            } else if (output.duration() == null) {
                problems.add("ffprobe reports no duration for the output; expected "
                        + secs(expected.toNanos() / 1e9));
            } else {
                double exp = expected.toNanos() / 1e9;
                double got = output.durationSeconds();
                double tol = toleranceSeconds(exp);
                if (Math.abs(got - exp) > tol) {
                    problems.add("duration " + secs(got) + " differs from the expected " + secs(exp) + " by "
                            + secs(Math.abs(got - exp)) + " (tolerance " + secs(tol) + ")");
                }
            }
        }
        if (rejectLarger && output.size() > input.size()) {
            problems.add("output is " + output.size() + " bytes, larger than the input's " + input.size()
                    + " bytes (rejectLargerThanInput is on)");
        }
        return problems;
    }

    private static void checkStream(List<String> problems, String kind, Preset.StreamSpec spec,
            Optional<StreamInfo> in, Optional<StreamInfo> out) {
        boolean expect = spec.mode() != Preset.Mode.NONE && in.isPresent();
        if (expect) {
            String codec = spec.mode() == Preset.Mode.COPY ? in.get().codec() : spec.codec();
            if (out.isEmpty()) {
                problems.add("no " + kind + " stream in the output; expected " + codec);
            } else if (!out.get().codec().equals(codec)) {
                problems.add(kind + " codec is " + out.get().codec() + "; expected " + codec);
            }
        } else if (out.isPresent()) {
            problems.add("unexpected " + kind + " stream (" + out.get().codec() + ") in the output; the preset "
                    + (spec.mode() == Preset.Mode.NONE ? "drops " + kind : "found no " + kind + " in the input"));
        }
    }

    private static String secs(double s) {
        return String.format(Locale.ROOT, "%.3f s", s);
    }
}
