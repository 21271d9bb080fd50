package io.stowage.cli;

import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.Transcoder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code stowage probe FILE}: what ffprobe sees in a media file. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Show what ffprobe reads in a media file.",
            "",
            "Container, duration, size, bit rate and streams (codec, resolution, frame",
            "rate, sample rate). Exit 1 when the file is missing or not media."},
        footer = {"", "Examples:", "  stowage probe clip.mp4", "  stowage probe clip.mp4 --json"})
final class ProbeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The media file.")
    Path file;

    @Option(names = "--json", description = "Print one JSON document (snake_case; duration_s in seconds).")
    boolean json;

    @CommandLine.Mixin
    TranscodeCli.FfmpegOptions ffmpeg = new TranscodeCli.FfmpegOptions();

    @Override
    public Integer call() {
        try (Transcoder t = ffmpeg.create(ffmpeg.config())) {
            MediaInfo info = t.probe(file);
            if (json) {
                Output.printJson(spec.commandLine().getOut(), TranscodeJson.Media.of(info));
            } else {
                spec.commandLine().getOut().println(TranscodeCli.describe(info));
                spec.commandLine().getOut().flush();
            }
            return ExitCodes.OK;
        }
    }
}
