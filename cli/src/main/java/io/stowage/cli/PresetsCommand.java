package io.stowage.cli;

import io.stowage.transcode.EncoderStatus;
import io.stowage.transcode.Preset;
import io.stowage.transcode.PresetCatalog;
import io.stowage.transcode.Transcoder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code stowage presets}: the transcoding presets and, with --check-encoders, which encoders work here. */
@Command(name = "presets", mixinStandardHelpOptions = true,
        description = {"List the transcoding presets and which encoders work here.",
            "",
            "Built-in presets plus those of --presets-file. Each encoded stream names its",
            "encoders in preference order, hardware first and CPU last; --check-encoders",
            "tries each one with a tiny encode and says which are usable on this machine."},
        footer = {"", "Examples:", "  stowage presets", "  stowage presets --check-encoders",
            "  stowage presets --presets-file my-presets.json --json"})
final class PresetsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Show each preset's encoders and options.")
    boolean verbose;

    @Option(names = "--check-encoders",
            description = "Try every encoder the presets name (a tiny trial encode each) and report which work.")
    boolean checkEncoders;

    @CommandLine.Mixin
    TranscodeCli.FfmpegOptions ffmpeg = new TranscodeCli.FfmpegOptions();

    @Override
    public Integer call() {
        PresetCatalog catalog = ffmpeg.catalog();
        List<EncoderStatus> status = List.of();
        if (checkEncoders) {
            try (Transcoder t = ffmpeg.create(ffmpeg.config())) {
                status = t.encoderStatus();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.printJson(out, TranscodeJson.Presets.of(catalog, checkEncoders ? status : null));
            return ExitCodes.OK;
        }
        int width = catalog.names().stream().mapToInt(String::length).max().orElse(4);
        for (Preset p : catalog.all()) {
            out.printf(Locale.ROOT, "%-" + width + "s  %s%n", p.name(), p.description());
            if (verbose) {
                out.printf("%" + width + "s  video: %s%n", "", streamText(p.video()));
                out.printf("%" + width + "s  audio: %s%n", "", streamText(p.audio()));
            }
        }
        if (checkEncoders) {
            out.println();
            out.println("encoders on this machine:");
            for (EncoderStatus s : status) {
                out.printf(Locale.ROOT, "  %-12s %-8s %s%n", s.encoder(), s.hardware() ? "hardware" : "cpu",
                        s.usable() ? "usable" : "unusable: " + s.reason());
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String streamText(Preset.StreamSpec s) {
        if (s.mode() != Preset.Mode.ENCODE) {
            return s.mode().name().toLowerCase(Locale.ROOT);
        }
        StringBuilder sb = new StringBuilder(s.codec()).append(" via ");
        for (int i = 0; i < s.encoders().size(); i++) {
            Preset.EncoderOption o = s.encoders().get(i);
            sb.append(i == 0 ? "" : " -> ").append(o.name());
            if (!o.args().isEmpty()) {
                sb.append(" [").append(String.join(" ", o.args())).append(']');
            }
        }
        return sb.toString();
    }
}
