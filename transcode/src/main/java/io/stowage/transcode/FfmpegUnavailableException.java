package io.stowage.transcode;

/**
 * The ffmpeg or ffprobe executable cannot be found or started, e.g. the system library {@code libpulse.so.0}
 * (Debian/Ubuntu package {@code libpulse0}) is missing. The message says what to install or configure.
 *
 * <p>{@code catch (FfmpegUnavailableException e) { System.err.println(e.getMessage()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class FfmpegUnavailableException extends TranscodeException {
    private static final long serialVersionUID = 1L;

    public FfmpegUnavailableException(String message) {
        super(message);
    }

    public FfmpegUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
