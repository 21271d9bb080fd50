package io.stowage.transcode;

/**
 * Whether an encoder named by a preset is usable with the configured ffmpeg (listed by {@code ffmpeg -encoders} and a
 * tiny trial encode succeeded).
 *
 * <p>{@code transcoder.encoderStatus().stream().filter(EncoderStatus::usable).forEach(System.out::println);}
 *
 * @param encoder encoder name, e.g. {@code "h264_nvenc"}
 * @param hardware true for a hardware encoder
 * @param usable true when jobs may use it
 * @param reason why it is not usable; {@code ""} when usable
 *
 * <p>Immutable, so thread-safe.
 */
public record EncoderStatus(String encoder, boolean hardware, boolean usable, String reason) {
}
