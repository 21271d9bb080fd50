package io.stowage.transcode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The tests' own judge of an output: the bundled ffprobe executable (located with javacpp's {@code Loader}, not
 * through the library) run as a process, its {@code -print_format json} answer read with Jackson. Nothing of the
 * library's {@code Prober}, {@code MediaInfo} or {@code Verifier} is involved, so a bug there cannot make an output
 * look right.
 *
 * <p>{@code Ffprobe.Result r = Ffprobe.probe(out); r.video().orElseThrow().tag(); // "hvc1"}
 *
 * <p>Thread-safe (stateless apart from the located executable).
 */
final class Ffprobe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path executable;

    private Ffprobe() {}

    /** One stream as ffprobe reports it. */
    record Stream(String type, String codec, String tag, String profile, int width, int height, int channels,
            boolean attachedPicture) {
    }

    /** ffprobe's answer for one file: container, duration in seconds (NaN when absent), streams. */
    record Result(String formatName, double durationSeconds, long size, List<Stream> streams) {
        /** The first video stream that is not a cover picture. */
        Optional<Stream> video() {
            return streams.stream().filter(s -> s.type().equals("video") && !s.attachedPicture()).findFirst();
        }

        /** The first audio stream. */
        Optional<Stream> audio() {
            return streams.stream().filter(s -> s.type().equals("audio")).findFirst();
        }
    }

    private static synchronized Path executable() {
        if (executable == null) {
            executable = Path.of(org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffprobe.class));
        }
        return executable;
    }

    /** Runs ffprobe on {@code file}; fails the test (IllegalStateException) when ffprobe cannot read it. */
    static Result probe(Path file) {
        Path exe = executable();
        ProcessBuilder pb = new ProcessBuilder(exe.toString(), "-v", "error", "-print_format", "json",
                "-show_format", "-show_streams", "file:" + file.toAbsolutePath());
        String old = System.getenv("LD_LIBRARY_PATH");
        pb.environment().put("LD_LIBRARY_PATH", exe.getParent() + (old == null || old.isEmpty() ? "" : ":" + old));
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            byte[] out = readAll(p.getInputStream());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("ffprobe ran past 60 s on " + file);
            }
            String stderr = new String(err.join(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new IllegalStateException("ffprobe exited " + p.exitValue() + " on " + file + ": " + stderr);
            }
            return parse(JSON.readTree(out));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + exe + " on " + file + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing " + file, e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return ("(cannot read: " + e + ")").getBytes(StandardCharsets.UTF_8);
        }
    }

    private static Result parse(JsonNode root) {
        JsonNode format = root.path("format");
        List<Stream> streams = new ArrayList<>();
        for (JsonNode s : root.path("streams")) {
            streams.add(new Stream(s.path("codec_type").asText(""), s.path("codec_name").asText(""),
                    s.path("codec_tag_string").asText(""), s.path("profile").asText(""), s.path("width").asInt(0),
                    s.path("height").asInt(0), s.path("channels").asInt(0),
                    s.path("disposition").path("attached_pic").asInt(0) == 1));
        }
        double duration = format.hasNonNull("duration") ? Double.parseDouble(format.get("duration").asText())
                : Double.NaN;
        return new Result(format.path("format_name").asText(""), duration,
                Long.parseLong(format.path("size").asText("-1")), streams);
    }
}
