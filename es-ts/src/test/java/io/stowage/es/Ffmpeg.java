package io.stowage.es;

import org.bytedeco.javacpp.Loader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the ffmpeg of org.bytedeco:ffmpeg (test scope only) to count what a real demuxer/decoder reports. */
public final class Ffmpeg {
    /** What ffmpeg said about a file. */
    public record Result(int exitCode, int continuityErrors, String log) {
    }

    private static Path exe;

    private Ffmpeg() {
    }

    static synchronized Path executable() {
        if (exe == null) {
            String p = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
            exe = Path.of(p);
        }
        return exe;
    }

    /**
     * Demuxes and decodes {@code ts} fully at {@code -loglevel debug}; counts "Continuity check failed" in the main
     * pass (the probe pass re-reads the start of the file and would count its errors twice).
     */
    public static Result decode(Path ts) throws IOException, InterruptedException {
        Path bin = executable();
        List<String> cmd = new ArrayList<>(List.of(bin.toString(), "-hide_banner", "-nostdin", "-loglevel", "debug",
                "-i", ts.toString(), "-f", "null", "-"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LD_LIBRARY_PATH", bin.getParent().toString());
        // the log is read from the pipe (no temporary file outside the test's @TempDir)
        Process p = pb.start();
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(logBytes);
            } catch (IOException ignored) {
                // the process ended
            }
        }, "ffmpeg-log");
        reader.start();
        {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("ffmpeg did not finish within 120 s on " + ts);
            }
            reader.join();
            String out = logBytes.toString(StandardCharsets.ISO_8859_1);
            // ffmpeg reads the start of the file twice: once to probe the streams, then again from offset 0.
            // Count the complete pass only: the messages after the probe's summary line.
            int n = 0;
            boolean mainPass = !out.contains("After avformat_find_stream_info()");
            for (String line : out.split("\n")) {
                if (line.contains("After avformat_find_stream_info()")) {
                    mainPass = true;
                } else if (mainPass && line.contains("Continuity check failed")) {
                    n++;
                }
            }
            return new Result(p.exitValue(), n, out);
        }
    }
}
