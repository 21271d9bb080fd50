package io.stowage.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stowage.transcode.EncoderAttempt;
import io.stowage.transcode.EncoderStatus;
import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.Preset;
import io.stowage.transcode.PresetCatalog;
import io.stowage.transcode.StreamInfo;
import io.stowage.transcode.TranscodeReport;

import java.util.List;
import java.util.Locale;

/**
 * The JSON documents of {@code stowage probe}, {@code transcode} and {@code presets}, as records that
 * {@link Output} writes (snake_case field names, in declaration order).
 *
 * <p>{@code Output.printJson(out, TranscodeJson.Media.of(info));}
 *
 * <p>Immutable records, so thread-safe.
 */
final class TranscodeJson {
    private TranscodeJson() {
    }

    /** A probed media file ({@code stowage probe --json}, and a transcode's {@code output_info}). */
    record Media(String path, String format, String formatLongName, Double durationS, long size, long bitRate,
                 List<Stream> streams) {
        static Media of(MediaInfo m) {
            return new Media(m.path().toString(), m.formatName(), m.formatLongName(),
                    m.duration() == null ? null : round3(m.durationSeconds()), m.size(), m.bitRate(),
                    m.streams().stream().map(Stream::of).toList());
        }
    }

    /** One stream: the fields of every stream, plus the picture's for video and the sound's for audio. */
    sealed interface Stream permits OtherStream, VideoStream, AudioStream {
        static Stream of(StreamInfo s) {
            String type = s.type().name().toLowerCase(Locale.ROOT);
            Double duration = Double.isNaN(s.durationSeconds()) ? null : round3(s.durationSeconds());
            return switch (s.type()) {
                case VIDEO -> new VideoStream(s.index(), type, s.codec(), s.profile(), s.width(), s.height(),
                        round3(s.frameRate()), s.pixelFormat(), s.bitRate(), duration);
                case AUDIO -> new AudioStream(s.index(), type, s.codec(), s.profile(), s.sampleRate(), s.channels(),
                        s.bitRate(), duration);
                default -> new OtherStream(s.index(), type, s.codec(), s.profile(), s.bitRate(), duration);
            };
        }
    }

    /** A stream that is neither video nor audio (subtitles, data). */
    record OtherStream(int index, String type, String codec, String profile, long bitRate, Double durationS)
            implements Stream {
    }

    /** A video stream. */
    record VideoStream(int index, String type, String codec, String profile, int width, int height, double frameRate,
                       String pixelFormat, long bitRate, Double durationS) implements Stream {
    }

    /** An audio stream. */
    record AudioStream(int index, String type, String codec, String profile, int sampleRate, int channels,
                       long bitRate, Double durationS) implements Stream {
    }

    /** {@code stowage transcode --json}: a finished, verified transcode. */
    record Report(String input, String output, String preset, String videoEncoder, String audioEncoder,
                  boolean hardware, List<Attempt> attempts, long size, long inputSize, Double durationS,
                  double elapsedS, boolean verified, Media outputInfo) {
        static Report of(TranscodeReport r) {
            return new Report(r.input().toString(), r.output().toString(), r.preset(), r.videoEncoder(),
                    r.audioEncoder(), r.hardware(), r.attempts().stream().map(Attempt::of).toList(), r.outputSize(),
                    r.inputInfo().size(),
                    r.outputInfo().duration() == null ? null : round3(r.outputInfo().durationSeconds()),
                    round3(r.elapsed().toNanos() / 1e9), true, Media.of(r.outputInfo()));
        }
    }

    /** An encoder tried, skipped or used. */
    record Attempt(String encoder, boolean hardware, String outcome, String detail) {
        static Attempt of(EncoderAttempt a) {
            return new Attempt(a.encoder(), a.hardware(), a.outcome().name().toLowerCase(Locale.ROOT), a.detail());
        }
    }

    /** {@code stowage presets --json}; {@code encoders} only with {@code --check-encoders}. */
    record Presets(List<PresetView> presets,
                   @JsonInclude(JsonInclude.Include.NON_NULL) List<EncoderStatus> encoders) {
        static Presets of(PresetCatalog catalog, List<EncoderStatus> encoders) {
            return new Presets(catalog.all().stream().map(PresetView::of).toList(), encoders);
        }
    }

    /** One preset. */
    record PresetView(String name, String description, String format, String extension, StreamSpec video,
                      StreamSpec audio) {
        static PresetView of(Preset p) {
            return new PresetView(p.name(), p.description(), p.format(), p.extension(), StreamSpec.of(p.video()),
                    StreamSpec.of(p.audio()));
        }
    }

    /** What a preset does with a stream; {@code codec} and {@code encoders} only when it encodes. */
    record StreamSpec(String mode, @JsonInclude(JsonInclude.Include.NON_NULL) String codec,
                      @JsonInclude(JsonInclude.Include.NON_NULL) List<String> encoders) {
        static StreamSpec of(Preset.StreamSpec s) {
            boolean encode = s.mode() == Preset.Mode.ENCODE;
            return new StreamSpec(s.mode().name().toLowerCase(Locale.ROOT), encode ? s.codec() : null,
                    encode ? s.encoders().stream().map(Preset.EncoderOption::name).toList() : null);
        }
    }

    static double round3(double d) {
        return Math.round(d * 1000) / 1000.0;
    }
}
