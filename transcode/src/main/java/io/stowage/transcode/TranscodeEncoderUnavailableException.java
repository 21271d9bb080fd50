package io.stowage.transcode;

import java.util.List;

/**
 * None of the encoders a job may use is usable with this ffmpeg (not compiled in, or its trial encode failed,
 * e.g. no GPU for {@code h264_nvenc}).
 *
 * <p>{@code catch (TranscodeEncoderUnavailableException e) { log.warn("tried {}", e.encoders()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeEncoderUnavailableException extends TranscodeException {
    private static final long serialVersionUID = 1L;
    private final List<String> encoders;

    public TranscodeEncoderUnavailableException(List<String> encoders, String message) {
        super(message);
        this.encoders = List.copyOf(encoders);
    }

    /** The encoders that were considered, in preference order. */
    public List<String> encoders() {
        return encoders;
    }
}
