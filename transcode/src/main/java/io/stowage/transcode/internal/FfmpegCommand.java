package io.stowage.transcode.internal;

import io.stowage.transcode.Preset;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds the ffmpeg argument list (without the executable) for a preset and the chosen encoders.
 *
 * <p>Stateless, so thread-safe.
 */
public final class FfmpegCommand {
    private FfmpegCommand() {}

    /**
     * @param videoEncoder the chosen video encoder, or {@code null} when video is not encoded (copy, none, or the
     *     input has no video)
     * @param audioEncoder the chosen audio encoder, or {@code null} likewise
     */
    public static List<String> build(Preset preset, Preset.EncoderOption videoEncoder,
            Preset.EncoderOption audioEncoder, Path input, Path output, Duration start, Duration duration,
            Duration progressInterval) {
        List<String> a = new ArrayList<>(List.of("-hide_banner", "-nostdin", "-y", "-loglevel", "warning",
                "-nostats", "-progress", "pipe:1", "-stats_period", seconds(progressInterval)));
        a.addAll(preset.inputArgs());
        if (videoEncoder != null) {
            a.addAll(videoEncoder.inputArgs());
        }
        if (audioEncoder != null) {
            a.addAll(audioEncoder.inputArgs());
        }
        if (start != null && !start.isZero()) {
            a.addAll(List.of("-ss", seconds(start)));
        }
        a.addAll(List.of("-i", "file:" + input.toAbsolutePath()));
        if (duration != null) {
            a.addAll(List.of("-t", seconds(duration)));
        }
        if (preset.video().mode() != Preset.Mode.NONE) {
            a.addAll(List.of("-map", "0:V:0?")); // V: video that is not a cover picture
        }
        if (preset.audio().mode() != Preset.Mode.NONE) {
            a.addAll(List.of("-map", "0:a:0?"));
        }
        stream(a, preset.video(), videoEncoder, "v");
        stream(a, preset.audio(), audioEncoder, "a");
        a.addAll(List.of("-sn", "-dn"));
        a.addAll(preset.outputArgs());
        if (preset.format() != null) {
            a.addAll(List.of("-f", preset.format()));
        }
        a.add("file:" + output.toAbsolutePath());
        return a;
    }

    private static void stream(List<String> a, Preset.StreamSpec spec, Preset.EncoderOption enc, String kind) {
        switch (spec.mode()) {
            case NONE -> a.add("-" + kind + "n");
            case COPY -> a.addAll(List.of("-c:" + kind, "copy"));
            case ENCODE -> {
                if (enc == null) {
                    return;
                }
                a.addAll(List.of("-c:" + kind, enc.name()));
                a.addAll(enc.args());
                a.addAll(spec.args());
                String filter = join(spec.filter(), enc.filter());
                if (filter != null) {
                    a.addAll(List.of("-" + kind + "f", filter));
                }
            }
            default -> throw new IllegalStateException(spec.mode().toString());
        }
    }

    private static String join(String a, String b) {
        if (a == null || a.isBlank()) {
            return b == null || b.isBlank() ? null : b;
        }
        return b == null || b.isBlank() ? a : a + "," + b;
    }

    /** Seconds with millisecond precision, e.g. {@code "12.500"}. */
    public static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }
}
