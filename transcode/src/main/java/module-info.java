/**
 * Transcoding on the ffmpeg executables bundled by {@code org.bytedeco:ffmpeg} (or a system ffmpeg): presets as
 * data, probe, progress, cancel, stall detection, hardware encoders with CPU fallback and verified output.
 *
 * <p>Entry point: {@link io.stowage.transcode.Transcoder}.
 *
 * <p>{@code io.stowage.transcode.internal} is not exported. The benchmarks module (class path, not module path)
 * uses four of its types on purpose ({@code ProgressParser}, {@code ProgressBlock}, {@code FfmpegCommand},
 * {@code FfmpegInstallation}); that package's {@code package-info} lists them and why. No library module may.
 */
module io.stowage.transcode {
    requires org.bytedeco.javacpp;
    requires org.bytedeco.ffmpeg;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports io.stowage.transcode;
    opens io.stowage.transcode to com.fasterxml.jackson.databind;
    opens io.stowage.transcode.internal to com.fasterxml.jackson.databind;
}
