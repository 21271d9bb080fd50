package io.stowage.cli;

import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.PresetCatalog;
import io.stowage.transcode.StreamInfo;
import io.stowage.transcode.Transcoder;
import io.stowage.transcode.TranscoderConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/** What the transcode, probe and presets commands share: ffmpeg options, media JSON and text. */
final class TranscodeCli {
    private TranscodeCli() {}

    /** Options that choose the ffmpeg and the preset catalogue. */
    static final class FfmpegOptions {
        @Option(names = "--ffmpeg", paramLabel = "PATH",
                description = "A system ffmpeg to use instead of the bundled one (e.g. one with hardware encoders);"
                        + " needs --ffprobe too. Default: $STOWAGE_FFMPEG, else the bundled ffmpeg.")
        Path ffmpeg;

        @Option(names = "--ffprobe", paramLabel = "PATH",
                description = "The ffprobe matching --ffmpeg. Default: $STOWAGE_FFPROBE.")
        Path ffprobe;

        @Option(names = "--presets-file", paramLabel = "FILE",
                description = "A JSON preset catalogue ({\"presets\": [...]}) that adds to or replaces built-in"
                        + " presets. Default: $STOWAGE_PRESETS when set.")
        Path presetsFile;

        TranscoderConfig config() {
            TranscoderConfig c = TranscoderConfig.defaults();
            Path f = ffmpeg != null ? ffmpeg : env("STOWAGE_FFMPEG");
            Path p = ffprobe != null ? ffprobe : env("STOWAGE_FFPROBE");
            if ((f == null) != (p == null)) {
                throw CliException.usage("--ffmpeg and --ffprobe go together (or STOWAGE_FFMPEG and"
                        + " STOWAGE_FFPROBE); got ffmpeg=" + f + ", ffprobe=" + p);
            }
            if (f != null) {
                c = c.withFfmpeg(f, p);
            }
            return c.withPresets(catalog());
        }

        PresetCatalog catalog() {
            Path file = presetsFile != null ? presetsFile : env("STOWAGE_PRESETS");
            PresetCatalog c = PresetCatalog.builtIn();
            if (file != null) {
                c = c.with(PresetCatalog.load(file)); // TranscodeInvalidPresetException: exit 2 (ErrorTable)
            }
            return c;
        }

        Transcoder create(TranscoderConfig config) {
            return Transcoder.create(config);
        }

        private static Path env(String name) {
            String v = System.getenv(name);
            return v == null || v.isBlank() ? null : Path.of(v);
        }
    }

    static String describe(MediaInfo m) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: %s, %s, %s, %d kb/s", m.path(), m.formatLongName(),
                m.duration() == null ? "duration unknown" : String.format(Locale.ROOT, "%.3f s", m.durationSeconds()),
                SizeConverter.format(m.size()), m.bitRate() / 1000));
        for (StreamInfo s : m.streams()) {
            sb.append(System.lineSeparator()).append("  #").append(s.index()).append(' ')
                    .append(s.type().name().toLowerCase(Locale.ROOT)).append(' ').append(s.codec());
            if (!s.profile().isEmpty()) {
                sb.append(" (").append(s.profile()).append(')');
            }
            if (s.type() == StreamInfo.Type.VIDEO) {
                sb.append(String.format(Locale.ROOT, " %dx%d %.3g fps %s", s.width(), s.height(), s.frameRate(),
                        s.pixelFormat()));
                if (s.attachedPicture()) {
                    sb.append(" (cover picture)");
                }
            } else if (s.type() == StreamInfo.Type.AUDIO) {
                sb.append(String.format(Locale.ROOT, " %d Hz %d ch", s.sampleRate(), s.channels()));
            }
            if (s.bitRate() > 0) {
                sb.append(String.format(Locale.ROOT, " %d kb/s", s.bitRate() / 1000));
            }
        }
        return sb.toString();
    }
}
