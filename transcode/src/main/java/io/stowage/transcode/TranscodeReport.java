package io.stowage.transcode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A finished, verified transcode.
 *
 * <p>{@code TranscodeReport r = transcoder.transcode(in, out, "h264"); System.out.println(r.videoEncoder());}
 *
 * @param input the input file
 * @param output the output file, renamed into place after verification
 * @param preset the preset name
 * @param videoEncoder the video encoder used ({@code "copy"} for a remux), or {@code null} without video output
 * @param audioEncoder the audio encoder used ({@code "copy"} for a remux), or {@code null} without audio output
 * @param hardware true when the video encoder is a hardware encoder
 * @param attempts every encoder skipped, failed or used, in order
 * @param inputInfo the probed input
 * @param outputInfo the probed output
 * @param elapsed wall time of the whole job (probe, encode, verify)
 *
 * <p>Immutable, so thread-safe.
 */
public record TranscodeReport(Path input, Path output, String preset, String videoEncoder, String audioEncoder,
        boolean hardware, List<EncoderAttempt> attempts, MediaInfo inputInfo, MediaInfo outputInfo,
        Duration elapsed) {

    public TranscodeReport {
        attempts = List.copyOf(attempts);
    }

    /** Size of the output in bytes. */
    public long outputSize() {
        return outputInfo.size();
    }
}
