package io.stowage.cli;

import io.stowage.transcode.EncoderAttempt;
import io.stowage.transcode.PresetCatalog;
import io.stowage.transcode.TranscodeJob;
import io.stowage.transcode.TranscodeRequest;
import io.stowage.transcode.TranscodeReport;
import io.stowage.transcode.Transcoder;
import io.stowage.transcode.TranscoderConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code stowage transcode IN OUT}: one verified transcode with a preset. */
@Command(name = "transcode", mixinStandardHelpOptions = true,
        description = {"Transcode a media file with a preset; verify the output, then give it its name.",
            "",
            "Hardware encoders are tried first when usable, then the CPU encoder; the",
            "encoder used is reported. OUT is written under a temporary name and renamed",
            "only after verification (ffprobe reads it, expected streams, duration within",
            "max(0.5 s, 1 %%) of the input). Without --preset: web-mp4 for",
            ".mp4/.m4v/.mov, audio-aac for .m4a, thumbnail-jpg for .jpg (see 'stowage",
            "presets'). Exit 1 on unreadable input, failed encode or verification; 2 on",
            "bad usage."},
        footer = {"", "Examples:",
            "  stowage transcode in.mov out.mp4 --preset web-mp4",
            "  stowage transcode cam.ts cam.mp4 --preset camera-archive --json",
            "  stowage transcode in.mp4 thumb.jpg --preset thumbnail-jpg",
            "  stowage transcode in.mp4 part.mp4 --preset h264 --start 1:30 --duration 20"})
final class TranscodeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "Input media file.")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output file (its folder is created if missing).")
    Path output;

    @Option(names = {"-p", "--preset"}, paramLabel = "NAME", description = "Preset name (see 'stowage presets').")
    String preset;

    @Option(names = "--encoder", paramLabel = "NAME",
            description = "Use only this encoder, no fallback (e.g. libx264, h264_nvenc); it must make the"
                    + " preset's codec.")
    String encoder;

    @Option(names = "--start", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Start at TIME (seconds or [HH:]MM:SS[.mmm]).")
    Duration start;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Transcode only TIME of the input.")
    Duration duration;

    @Option(names = "--force", description = "Replace OUT if it exists.")
    boolean force;

    @Option(names = "--reject-larger", description = "Fail verification when OUT is larger than IN.")
    boolean rejectLarger;

    @Option(names = "--stall-timeout", paramLabel = "SECONDS", defaultValue = "120",
            converter = DurationConverter.class,
            description = "Kill ffmpeg when it makes no progress for this long (default: ${DEFAULT-VALUE}).")
    Duration stallTimeout;

    @Option(names = "--json", description = "Print one JSON document; no progress bar.")
    boolean json;

    @CommandLine.Mixin
    TranscodeCli.FfmpegOptions ffmpeg = new TranscodeCli.FfmpegOptions();

    @Override
    public Integer call() {
        if (stallTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw CliException.usage("--stall-timeout " + stallTimeout.toNanos() / 1e9
                    + " s must be at least 1 second");
        }
        TranscoderConfig config = ffmpeg.config().withMaxConcurrentJobs(1).withStallTimeout(stallTimeout);
        String presetName = preset != null ? preset : defaultPreset(output, config.presets());
        TranscodeRequest request = TranscodeRequest.of(input, output, presetName)
                .withEncoder(encoder).withOverwrite(force);
        if (start != null || duration != null) {
            if (start != null && start.isNegative()) {
                throw CliException.usage("--start " + start + " must not be negative");
            }
            if (duration != null && (duration.isZero() || duration.isNegative())) {
                throw CliException.usage("--duration " + duration + " must be more than zero");
            }
            request = request.withTrim(start, duration);
        }
        if (rejectLarger) {
            request = request.withRejectLargerThanInput(true);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Transcoder t = ffmpeg.create(config);
             TranscodeProgressBar bar = TranscodeProgressBar.start(presetName, json)) {
            TranscodeJob job = t.submit(request.withListener(bar));
            // Ctrl-C / SIGTERM: stop ffmpeg and remove the partial output before the JVM exits
            Thread hook = new Thread(() -> {
                job.cancel();
                try {
                    job.await(Duration.ofSeconds(10));
                } catch (RuntimeException | java.util.concurrent.TimeoutException e) {
                    // exiting anyway
                }
            }, "stowage-transcode-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            TranscodeReport r;
            try {
                r = job.await();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down
                }
            }
            bar.close();
            if (json) {
                Output.printJson(out, TranscodeJson.Report.of(r));
            } else {
                out.println(summary(r));
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    static String defaultPreset(Path output, PresetCatalog catalog) {
        String name = output.getFileName() == null ? "" : output.getFileName().toString();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        String preset = switch (ext) {
            case "mp4", "m4v", "mov" -> "web-mp4";
            case "m4a" -> "audio-aac";
            case "jpg", "jpeg" -> "thumbnail-jpg";
            default -> null;
        };
        if (preset == null || catalog.find(preset).isEmpty()) {
            throw CliException.usage("no --preset given and none is implied by the output name '" + name
                    + "'; choose one of: " + String.join(", ", catalog.names()));
        }
        return preset;
    }

    static String summary(TranscodeReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: %s, %s -> %s in %.1f s, verified", r.output(), r.preset(),
                SizeConverter.format(r.inputInfo().size()), SizeConverter.format(r.outputSize()),
                r.elapsed().toNanos() / 1e9));
        List<String> enc = new ArrayList<>();
        if (r.videoEncoder() != null) {
            enc.add("video " + r.videoEncoder() + (r.hardware() ? " (hardware)" : ""));
        }
        if (r.audioEncoder() != null) {
            enc.add("audio " + r.audioEncoder());
        }
        if (!enc.isEmpty()) {
            sb.append("; ").append(String.join(", ", enc));
        }
        for (EncoderAttempt a : r.attempts()) {
            if (a.outcome() != EncoderAttempt.Verdict.USED) {
                sb.append(System.lineSeparator()).append("  ").append(a.outcome().name().toLowerCase(Locale.ROOT))
                        .append(' ').append(a.encoder()).append(": ").append(a.detail());
            }
        }
        sb.append(System.lineSeparator()).append(TranscodeCli.describe(r.outputInfo()));
        return sb.toString();
    }
}
