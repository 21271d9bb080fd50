package io.stowage.transcode;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named recipe for ffmpeg, loaded from a JSON catalogue ({@link PresetCatalog}): container, what to do with the
 * first video and the first audio stream, and for encoded streams the encoders in preference order (hardware first,
 * CPU last).
 *
 * <p>{@code Preset p = PresetCatalog.builtIn().get("h264"); p.video().encoders().get(0).name();}
 *
 * <p>In JSON (snake_case):
 * <pre>{@code
 * {"name": "h264", "description": "...", "format": "mp4", "extension": "mp4",
 *  "video": {"mode": "encode", "codec": "h264", "encoders": [
 *      {"name": "h264_nvenc", "args": ["-cq", "20"]}, {"name": "libx264", "args": ["-crf", "20"]}]},
 *  "audio": {"mode": "encode", "codec": "aac", "encoders": [{"name": "aac", "args": ["-b:a", "128k"]}]},
 *  "output_args": ["-movflags", "+faststart"]}
 * }</pre>
 *
 * @param name unique name: lower case letters, digits and dashes
 * @param description one line for {@code stowage presets}
 * @param format ffmpeg muxer ({@code -f}), or {@code null} to take it from the output's file name
 * @param extension usual file extension of the output without the dot, or {@code null}
 * @param inputArgs ffmpeg options placed before {@code -i} (e.g. {@code -hwaccel auto})
 * @param video what to do with the first video stream
 * @param audio what to do with the first audio stream
 * @param outputArgs ffmpeg options placed after the codec options (e.g. {@code -movflags +faststart})
 * @param verifyDuration false for still images (the output's duration is not compared with the input's)
 *
 * <p>Immutable, so thread-safe.
 */
public record Preset(String name, String description, String format, String extension, List<String> inputArgs,
        StreamSpec video, StreamSpec audio, List<String> outputArgs, Boolean verifyDuration) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    public Preset {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new TranscodeInvalidPresetException(name, null, "preset name '" + name
                    + "' is invalid; use 1 to 64 lower-case letters, digits and dashes, e.g. \"web-mp4\"");
        }
        description = description == null ? "" : description;
        inputArgs = inputArgs == null ? List.of() : List.copyOf(inputArgs);
        outputArgs = outputArgs == null ? List.of() : List.copyOf(outputArgs);
        video = video == null ? StreamSpec.none() : video;
        audio = audio == null ? StreamSpec.none() : audio;
        verifyDuration = verifyDuration == null ? Boolean.TRUE : verifyDuration;
        if (video.mode() == Mode.NONE && audio.mode() == Mode.NONE) {
            throw new TranscodeInvalidPresetException(name, null,
                    "preset '" + name + "': video and audio are both \"none\"; "
                    + "set at least one to \"encode\" or \"copy\"");
        }
        video.validate(name, "video");
        audio.validate(name, "audio");
    }

    /** What a preset does with a stream. */
    public enum Mode {
        /** Re-encode with the first usable encoder of the list. */
        ENCODE,
        /** Copy the stream as it is (remux). */
        COPY,
        /** Leave the stream out of the output. */
        NONE
    }

    /**
     * What a preset does with one kind of stream.
     *
     * @param mode encode, copy or none
     * @param codec the codec the output stream must have when encoding (e.g. {@code "h264"}); checked on verify
     * @param required true when an input without such a stream is refused ({@link TranscodeIncompatibleInputException})
     * @param encoders encoders in preference order, CPU last (encode only)
     * @param args options for every encoder of this stream (after the encoder's own)
     * @param filter filter chain for every encoder of this stream ({@code -vf}/{@code -af}), or {@code null}
     *
     * <p>Immutable, so thread-safe.
     */
    public record StreamSpec(Mode mode, String codec, Boolean required, List<EncoderOption> encoders,
            List<String> args, String filter) {

        public StreamSpec {
            mode = mode == null ? Mode.NONE : mode;
            required = required != null && required;
            encoders = encoders == null ? List.of() : List.copyOf(encoders);
            args = args == null ? List.of() : List.copyOf(args);
        }

        /** A stream left out of the output. */
        public static StreamSpec none() {
            return new StreamSpec(Mode.NONE, null, false, List.of(), List.of(), null);
        }

        void validate(String preset, String kind) {
            if (mode == Mode.ENCODE) {
                if (encoders.isEmpty()) {
                    throw new TranscodeInvalidPresetException(preset, null, "preset '" + preset + "': " + kind
                            + " mode is \"encode\" but \"encoders\" is empty; list at least one, CPU last");
                }
                if (codec == null || codec.isBlank()) {
                    throw new TranscodeInvalidPresetException(preset, null, "preset '" + preset + "': " + kind
                            + " mode is \"encode\" but \"codec\" is missing; name the codec the output must have,"
                            + " e.g. \"h264\"");
                }
            }
        }
    }

    /**
     * One encoder choice of a stream.
     *
     * @param name ffmpeg encoder name, e.g. {@code "h264_nvenc"}
     * @param hardware true for a hardware encoder; when absent, guessed from the name ({@code _qsv}, {@code _nvenc},
     *     {@code _vaapi}, {@code _amf}, {@code _v4l2m2m}, {@code _vulkan}, {@code _videotoolbox})
     * @param args encoder options (e.g. {@code -crf 20})
     * @param inputArgs options before {@code -i} that this encoder needs (e.g. {@code -vaapi_device ...})
     * @param filter filter chain this encoder needs (e.g. {@code format=nv12,hwupload}), or {@code null}
     *
     * <p>Immutable, so thread-safe.
     */
    public record EncoderOption(String name, Boolean hardware, List<String> args, List<String> inputArgs,
            String filter) {

        private static final Pattern HARDWARE =
                Pattern.compile(".*_(qsv|nvenc|vaapi|amf|v4l2m2m|vulkan|videotoolbox|mf|omx|rkmpp|mediacodec)$");

        public EncoderOption {
            if (name == null || name.isBlank()) {
                throw new TranscodeInvalidPresetException(null, null,
                        "an encoder entry has no \"name\"; e.g. {\"name\": \"libx264\"}");
            }
            hardware = hardware == null ? HARDWARE.matcher(name).matches() : hardware;
            args = args == null ? List.of() : List.copyOf(args);
            inputArgs = inputArgs == null ? List.of() : List.copyOf(inputArgs);
        }

        /** A CPU encoder entry with the given options. */
        public static EncoderOption of(String name, String... args) {
            return new EncoderOption(name, null, List.of(args), List.of(), null);
        }

        /** True for a hardware encoder. */
        public boolean isHardware() {
            return Objects.requireNonNullElse(hardware, false);
        }
    }

    /** True when the output's duration must match the input's (false for still images). */
    public boolean checksDuration() {
        return verifyDuration;
    }
}
