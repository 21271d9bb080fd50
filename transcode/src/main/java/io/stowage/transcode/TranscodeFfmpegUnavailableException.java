package io.stowage.transcode;

/**
 * The ffmpeg or ffprobe executable cannot be found or started, e.g. the system library {@code libpulse.so.0}
 * (Debian/Ubuntu package {@code libpulse0}) is missing. The message says what to install or configure;
 * {@link #path()} names the executable (when one was found) and {@link #reason()} says what went wrong.
 *
 * <p>{@code catch (TranscodeFfmpegUnavailableException e) { System.err.println(e.path() + ": " + e.reason()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeFfmpegUnavailableException extends TranscodeException {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final String reason;

    /**
     * @param path the executable that failed (a file path or a name looked up on the PATH), or {@code null} when
     *     none was found (e.g. the bundled binaries could not be extracted)
     * @param reason what went wrong, in a few words (e.g. {@code "not on the PATH"})
     * @param message the full message: the reason and what to install or configure
     */
    public TranscodeFfmpegUnavailableException(String path, String reason, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
        this.reason = reason;
    }

    public TranscodeFfmpegUnavailableException(String path, String reason, String message) {
        this(path, reason, message, null);
    }

    /** The executable that failed, or {@code null} when none was found. */
    public String path() {
        return path;
    }

    /** What went wrong, in a few words. */
    public String reason() {
        return reason;
    }
}
