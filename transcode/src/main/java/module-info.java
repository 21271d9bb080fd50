/**
 * Transcoding on the ffmpeg executables bundled by {@code org.bytedeco:ffmpeg} (or a system ffmpeg): presets as
 * data, probe, progress, cancel, stall detection, hardware encoders with CPU fallback and verified output.
 *
 * <p>Entry point: {@link io.stowage.transcode.Transcoder}.
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
