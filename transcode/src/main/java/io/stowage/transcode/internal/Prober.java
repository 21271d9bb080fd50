package io.stowage.transcode.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.transcode.TranscodeInputUnreadableException;
import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.StreamInfo;
import io.stowage.transcode.TranscodeCancelledException;
import io.stowage.transcode.TranscodeFfmpegUnavailableException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code ffprobe -print_format json -show_format -show_streams} and maps its answer to {@link MediaInfo}.
 *
 * <p>Thread-safe: holds only immutable configuration.
 */
public final class Prober {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FfmpegInstallation installation;
    private final Duration timeout;

    public Prober(FfmpegInstallation installation, Duration timeout) {
        this.installation = installation;
        this.timeout = timeout;
    }

    /**
     * Probes a local file.
     *
     * @throws TranscodeInputUnreadableException when the file is missing, empty, not media or unreadable by ffprobe
     */
    public MediaInfo probe(Path file) {
        Path abs = file.toAbsolutePath();
        if (!Files.exists(abs)) {
            throw new TranscodeInputUnreadableException(file, "no such file");
        }
        if (Files.isDirectory(abs)) {
            throw new TranscodeInputUnreadableException(file, "is a directory, not a media file");
        }
        long size;
        try {
            size = Files.size(abs);
        } catch (IOException e) {
            throw new TranscodeInputUnreadableException(file, "cannot read its size: " + e.getMessage());
        }
        if (size == 0 && Files.isRegularFile(abs)) {
            throw new TranscodeInputUnreadableException(file, "empty file (0 bytes); nothing to transcode");
        }
        if (!Files.isReadable(abs)) {
            throw new TranscodeInputUnreadableException(file, "not readable by this process");
        }
        Exec.Completion r;
        try {
            r = Exec.run(installation, installation.ffprobeCommand(List.of("-v", "error", "-hide_banner",
                    "-print_format", "json", "-show_format", "-show_streams", "file:" + abs)), timeout);
        } catch (IOException e) {
            throw new TranscodeFfmpegUnavailableException(installation.ffprobe().toString(), "cannot be started",
                    "cannot start ffprobe " + installation.ffprobe() + ": " + e.getMessage()
                            + "; check the ffmpeg installation (TranscoderConfig.ffprobe, --ffprobe)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranscodeCancelledException(file, "interrupted while probing " + file);
        }
        if (r.timedOut()) {
            throw new TranscodeInputUnreadableException(file, "ffprobe did not finish within " + timeout.toSeconds()
                    + " s (a stalled pipe or network file?); raise TranscoderConfig.probeTimeout if it is just slow");
        }
        if (r.exitCode() != 0) {
            String why = r.stderrTail().isEmpty() ? "exit code " + r.exitCode() : r.stderrText();
            throw new TranscodeInputUnreadableException(file, "not a readable media file: ffprobe says: " + why);
        }
        MediaInfo info = parse(file, size, r.stdout());
        if (info.streams().isEmpty()) {
            throw new TranscodeInputUnreadableException(file, "ffprobe finds no audio or video stream in it ("
                    + info.formatName() + ")");
        }
        if ("tty".equals(info.formatName())) {
            throw new TranscodeInputUnreadableException(file, "not a media file: ffprobe reads it as plain text (tty)");
        }
        return info;
    }

    /** Maps ffprobe's JSON; tolerant of missing fields and {@code N/A}. */
    public static MediaInfo parse(Path file, long size, String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new TranscodeInputUnreadableException(file, "ffprobe wrote invalid JSON: " + e.getMessage());
        }
        if (root == null) {
            throw new TranscodeInputUnreadableException(file, "ffprobe wrote nothing");
        }
        JsonNode format = root.path("format");
        double duration = num(format.path("duration"));
        List<StreamInfo> streams = new ArrayList<>();
        for (JsonNode s : root.path("streams")) {
            StreamInfo.Type type = switch (s.path("codec_type").asText("")) {
                case "video" -> StreamInfo.Type.VIDEO;
                case "audio" -> StreamInfo.Type.AUDIO;
                case "subtitle" -> StreamInfo.Type.SUBTITLE;
                case "data" -> StreamInfo.Type.DATA;
                default -> StreamInfo.Type.OTHER;
            };
            double fps = rational(s.path("avg_frame_rate").asText(""));
            if (!(fps > 0)) {
                fps = rational(s.path("r_frame_rate").asText(""));
            }
            streams.add(new StreamInfo(
                    s.path("index").asInt(streams.size()),
                    type,
                    s.path("codec_name").asText(""),
                    s.path("profile").asText(""),
                    s.path("width").asInt(0),
                    s.path("height").asInt(0),
                    type == StreamInfo.Type.VIDEO && fps > 0 ? fps : 0,
                    s.path("pix_fmt").asText(""),
                    (int) Math.max(0, num(s.path("sample_rate"), 0)),
                    s.path("channels").asInt(0),
                    (long) Math.max(0, num(s.path("bit_rate"), 0)),
                    num(s.path("duration")),
                    s.path("disposition").path("attached_pic").asInt(0) == 1));
        }
        if (Double.isNaN(duration)) {
            // some containers give only stream durations
            for (StreamInfo s : streams) {
                if (!Double.isNaN(s.durationSeconds())) {
                    duration = Double.isNaN(duration) ? s.durationSeconds() : Math.max(duration, s.durationSeconds());
                }
            }
        }
        Duration d = Double.isNaN(duration) || duration < 0 ? null : Duration.ofNanos(Math.round(duration * 1e9));
        return new MediaInfo(file, format.path("format_name").asText(""), format.path("format_long_name").asText(""),
                d, size, (long) Math.max(0, num(format.path("bit_rate"), 0)), streams);
    }

    private static double num(JsonNode n) {
        return num(n, Double.NaN);
    }

    private static double num(JsonNode n, double dflt) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        try {
            double d = Double.parseDouble(n.asText());
            return Double.isFinite(d) ? d : dflt;
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static double rational(String r) {
        int slash = r.indexOf('/');
        try {
            if (slash < 0) {
                return r.isEmpty() ? 0 : Double.parseDouble(r);
            }
            double num = Double.parseDouble(r.substring(0, slash));
            double den = Double.parseDouble(r.substring(slash + 1));
            return den == 0 ? 0 : num / den;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
