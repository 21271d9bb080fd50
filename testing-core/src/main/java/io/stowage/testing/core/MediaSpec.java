package io.stowage.testing.core;

import java.util.List;
import java.util.Locale;

/**
 * What {@link MediaGenerator} makes: a container, a length, a picture size and rate, a sine tone or none, and extra
 * ffmpeg output arguments. The picture is ffmpeg's {@code testsrc2} pattern (H.264, or one MJPEG frame for
 * {@link Kind#JPG}), the sound a 440 Hz sine in AAC.
 *
 * <pre>{@code
 * MediaSpec clip = MediaSpec.mp4(2);                                   // 2 s, 160x120, 25 fps, with sound
 * MediaSpec fast = clip.withExtraArgs(List.of("-movflags", "+faststart"));
 * MediaSpec ts = MediaSpec.ts(4).withAudio(false).withSize(320, 240);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind      the container
 * @param seconds   the length (ignored for {@link Kind#JPG})
 * @param width     picture width in pixels (even)
 * @param height    picture height in pixels (even)
 * @param fps       frames per second (also the GOP length: one key frame a second)
 * @param audio     whether a sine tone track is added (ignored for {@link Kind#JPG})
 * @param extraArgs ffmpeg arguments placed just before the output file
 */
public record MediaSpec(Kind kind, double seconds, int width, int height, int fps, boolean audio,
                        List<String> extraArgs) {
    /** The containers the generator writes, e.g. {@code MediaSpec.Kind.TS.extension()}. Immutable constants. */
    public enum Kind {
        /** MP4 with H.264 (and AAC). */
        MP4("mp4"),
        /** MPEG transport stream with H.264 (and AAC). */
        TS("ts"),
        /** One JPEG picture. */
        JPG("jpg");

        private final String extension;

        Kind(String extension) {
            this.extension = extension;
        }

        /** The file name extension, without the dot. */
        public String extension() {
            return extension;
        }
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when a value is out of range (the message names it and its limit)
     */
    public MediaSpec {
        if (kind == null) {
            throw new IllegalArgumentException("kind is null; use MP4, TS or JPG");
        }
        if (!(seconds > 0) || seconds > 3600) {
            throw new IllegalArgumentException("seconds " + seconds + " is outside (0, 3600]");
        }
        if (width < 2 || height < 2 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("size " + width + "x" + height + " must be even and at least 2x2");
        }
        if (fps < 1 || fps > 240) {
            throw new IllegalArgumentException("fps " + fps + " is outside [1, 240]");
        }
        extraArgs = List.copyOf(extraArgs);
    }

    /** An MP4 of {@code seconds}, 160x120 at 25 fps, with sound. */
    public static MediaSpec mp4(double seconds) {
        return new MediaSpec(Kind.MP4, seconds, 160, 120, 25, true, List.of());
    }

    /** An MPEG-TS of {@code seconds}, 160x120 at 25 fps, with sound. */
    public static MediaSpec ts(double seconds) {
        return new MediaSpec(Kind.TS, seconds, 160, 120, 25, true, List.of());
    }

    /** One 160x120 JPEG picture. */
    public static MediaSpec jpg() {
        return new MediaSpec(Kind.JPG, 1, 160, 120, 25, false, List.of());
    }

    /** This spec with another length. */
    public MediaSpec withSeconds(double newSeconds) {
        return new MediaSpec(kind, newSeconds, width, height, fps, audio, extraArgs);
    }

    /** This spec with another picture size. */
    public MediaSpec withSize(int newWidth, int newHeight) {
        return new MediaSpec(kind, seconds, newWidth, newHeight, fps, audio, extraArgs);
    }

    /** This spec with another frame rate. */
    public MediaSpec withFps(int newFps) {
        return new MediaSpec(kind, seconds, width, height, newFps, audio, extraArgs);
    }

    /** This spec with or without the sine tone. */
    public MediaSpec withAudio(boolean newAudio) {
        return new MediaSpec(kind, seconds, width, height, fps, newAudio, extraArgs);
    }

    /** This spec with these extra output arguments. */
    public MediaSpec withExtraArgs(List<String> newExtraArgs) {
        return new MediaSpec(kind, seconds, width, height, fps, audio, newExtraArgs);
    }

    /** A file name that tells specs apart, e.g. {@code mp4-2.0s-160x120-25fps-audio-1a2b3c4d.mp4}. */
    public String fileName() {
        return String.format(Locale.ROOT, "%s-%ss-%dx%d-%dfps-%s-%08x.%s", kind.extension(), seconds, width, height,
                fps, audio ? "audio" : "silent", extraArgs.hashCode(), kind.extension());
    }
}
