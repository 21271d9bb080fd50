package io.stowage.transcode.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * ffprobe reading a URL (a presigned GET of the stored object), so the probe needs no local copy. Stateless apart
 * from its paths, so thread-safe.
 */
final class RemoteProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the probe found. */
    record Result(String format, double durationSeconds, boolean video, boolean audio) {
    }

    private final Path ffprobe;
    private final long timeoutSeconds;

    RemoteProbe(Path ffprobe, long timeoutSeconds) {
        this.ffprobe = ffprobe;
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * Probes {@code url}.
     *
     * @return the result, or null with {@code problem[0]} set when ffprobe cannot read it
     */
    Result probe(URI url, String[] problem) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ffprobe.toString(), "-v", "error", "-print_format", "json",
                "-show_format", "-show_streams", "-rw_timeout", "30000000", url.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        String dir = ffprobe.toAbsolutePath().getParent().toString();
        String old = pb.environment().get("LD_LIBRARY_PATH");
        pb.environment().put("LD_LIBRARY_PATH", old == null || old.isEmpty() ? dir : dir + ":" + old);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        byte[] out = readAll(p.getInputStream());
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            problem[0] = "ffprobe did not finish within " + timeoutSeconds + " s";
            return null;
        }
        String stderr = new String(err.join(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            problem[0] = "ffprobe exit " + p.exitValue() + (stderr.isEmpty() ? "" : ": " + firstLines(stderr));
            return null;
        }
        JsonNode root = JSON.readTree(out);
        JsonNode streams = root.path("streams");
        boolean video = false;
        boolean audio = false;
        for (JsonNode s : streams) {
            String type = s.path("codec_type").asText("");
            if (type.equals("video")) {
                video = true;
            } else if (type.equals("audio")) {
                audio = true;
            }
        }
        if (!video && !audio) {
            problem[0] = "ffprobe found no video or audio stream"
                    + (stderr.isEmpty() ? "" : " (" + firstLines(stderr) + ")");
            return null;
        }
        String fmt = root.path("format").path("format_name").asText("");
        double duration = root.path("format").path("duration").asDouble(-1);
        return new Result(fmt, duration, video, audio);
    }

    private static String firstLines(String s) {
        String[] lines = s.split("\n");
        return String.join(" / ", java.util.Arrays.copyOf(lines, Math.min(3, lines.length)))
                .replaceAll("https?://\\S+", "<url>");
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
