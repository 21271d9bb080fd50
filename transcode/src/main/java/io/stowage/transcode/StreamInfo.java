package io.stowage.transcode;

/**
 * One stream of a probed file.
 *
 * <p>{@code if (s.type() == StreamInfo.Type.VIDEO) System.out.println(s.width() + "x" + s.height());}
 *
 * @param index stream index in the file
 * @param type video, audio, subtitle, data or other
 * @param codec ffprobe's codec name, e.g. {@code "h264"}, {@code "aac"}
 * @param profile codec profile, or {@code ""}
 * @param width frame width in pixels (video), else 0
 * @param height frame height in pixels (video), else 0
 * @param frameRate average frames per second (video), else 0
 * @param pixelFormat pixel format, e.g. {@code "yuv420p"}, or {@code ""}
 * @param sampleRate samples per second (audio), else 0
 * @param channels channel count (audio), else 0
 * @param bitRate bits per second, or 0 when unknown
 * @param durationSeconds stream duration, or {@code NaN} when unknown
 * @param attachedPicture true for a cover picture stored as a video stream
 *
 * <p>Immutable, so thread-safe.
 */
public record StreamInfo(int index, Type type, String codec, String profile, int width, int height,
        double frameRate, String pixelFormat, int sampleRate, int channels, long bitRate, double durationSeconds,
        boolean attachedPicture) {

    /** Kind of stream. */
    public enum Type { VIDEO, AUDIO, SUBTITLE, DATA, OTHER }
}
