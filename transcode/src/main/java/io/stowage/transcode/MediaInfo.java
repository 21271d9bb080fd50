package io.stowage.transcode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What ffprobe reports about a media file: container, duration, size, bit rate and streams.
 *
 * <p>{@code MediaInfo info = transcoder.probe(Path.of("in.mp4")); info.video().ifPresent(v -> v.width());}
 *
 * @param path the probed file
 * @param formatName ffprobe's short container name, e.g. {@code "mov,mp4,m4a,3gp,3g2,mj2"}
 * @param formatLongName ffprobe's long container name, e.g. {@code "QuickTime / MOV"}
 * @param duration container duration, or {@code null} when ffprobe cannot tell
 * @param size file size in bytes
 * @param bitRate overall bit rate in bits per second, or 0 when unknown
 * @param streams every stream, in file order
 *
 * <p>Immutable, so thread-safe.
 */
public record MediaInfo(Path path, String formatName, String formatLongName, Duration duration, long size,
        long bitRate, List<StreamInfo> streams) {

    public MediaInfo {
        streams = List.copyOf(streams);
    }

    /** The first video stream that is not a cover picture, if any. */
    public Optional<StreamInfo> video() {
        return streams.stream().filter(s -> s.type() == StreamInfo.Type.VIDEO && !s.attachedPicture()).findFirst();
    }

    /** The first audio stream, if any. */
    public Optional<StreamInfo> audio() {
        return streams.stream().filter(s -> s.type() == StreamInfo.Type.AUDIO).findFirst();
    }

    /** Duration in seconds, or {@code NaN} when unknown. */
    public double durationSeconds() {
        return duration == null ? Double.NaN : duration.toNanos() / 1e9;
    }
}
