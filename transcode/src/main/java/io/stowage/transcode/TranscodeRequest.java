package io.stowage.transcode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One transcode to do. Immutable; {@code withX} methods return changed copies.
 *
 * <p>{@code TranscodeRequest r = TranscodeRequest.of(Path.of("in.mov"), Path.of("out.mp4"), "web-mp4")
 *     .withListener(TranscodeListener.progress(e -> System.err.println(e.percent())))
 *     .withTrim(Duration.ofSeconds(10), Duration.ofSeconds(5));}
 *
 * @param input the input file
 * @param output the output file; written under a temporary name in the same folder and renamed after verification
 * @param preset the preset name
 * @param encoder force this encoder (no fallback), e.g. {@code "libx264"}; {@code null} for the preset's list
 * @param listener receives progress; never null
 * @param start start of the part to transcode, or {@code null} for the beginning
 * @param duration length of the part to transcode, or {@code null} for all of it
 * @param overwrite replace an existing output (otherwise {@link TranscodeOutputExistsException})
 * @param rejectLargerThanInput fail verification when the output is larger than the input; {@code null} takes the
 *     transcoder's default
 *
 * <p>Immutable, so thread-safe (the listener must be thread-safe itself).
 */
public record TranscodeRequest(Path input, Path output, String preset, String encoder, TranscodeListener listener,
        Duration start, Duration duration, boolean overwrite, Boolean rejectLargerThanInput) {

    public TranscodeRequest {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(preset, "preset");
        listener = listener == null ? TranscodeListener.none() : listener;
        if (start != null && start.isNegative()) {
            throw new IllegalArgumentException("trim start " + start + " is negative; use zero or more");
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("trim duration " + duration + " must be positive");
        }
        if (encoder != null && encoder.isBlank()) {
            encoder = null;
        }
    }

    /** Transcode all of {@code input} to {@code output} with the named preset. */
    public static TranscodeRequest of(Path input, Path output, String preset) {
        return new TranscodeRequest(input, output, preset, null, null, null, null, false, null);
    }

    public TranscodeRequest withEncoder(String encoderName) {
        return new TranscodeRequest(input, output, preset, encoderName, listener, start, duration, overwrite,
                rejectLargerThanInput);
    }

    public TranscodeRequest withListener(TranscodeListener l) {
        return new TranscodeRequest(input, output, preset, encoder, l, start, duration, overwrite,
                rejectLargerThanInput);
    }

    /** Transcode only {@code length} from {@code from} on ({@code length} may be null: to the end). */
    public TranscodeRequest withTrim(Duration from, Duration length) {
        return new TranscodeRequest(input, output, preset, encoder, listener, from, length, overwrite,
                rejectLargerThanInput);
    }

    public TranscodeRequest withOverwrite(boolean allow) {
        return new TranscodeRequest(input, output, preset, encoder, listener, start, duration, allow,
                rejectLargerThanInput);
    }

    public TranscodeRequest withRejectLargerThanInput(boolean reject) {
        return new TranscodeRequest(input, output, preset, encoder, listener, start, duration, overwrite, reject);
    }
}
