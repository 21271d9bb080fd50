package io.stowage.transcode.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Runs a short ffmpeg/ffprobe command to completion and captures its output (bounded), for probes and trials.
 *
 * <p>Stateless, so thread-safe.
 */
public final class Exec {
    private static final int MAX_STDOUT = 32 << 20;

    private Exec() {}

    /** How a finished (or timed out) command completed: its exit code and captured output. */
    public record Completion(int exitCode, String stdout, List<String> stderrTail, boolean timedOut) {
        /** The last stderr lines joined, for messages. */
        public String stderrText() {
            return String.join(" | ", stderrTail);
        }
    }

    /** Runs the command (executable first); kills it after {@code timeout}. */
    public static Completion run(FfmpegInstallation installation, List<String> command, Duration timeout)
            throws IOException, InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FfmpegProcess p = FfmpegProcess.start(installation, command, null, (b, off, len) -> {
            synchronized (out) {
                if (out.size() + len <= MAX_STDOUT) {
                    out.write(b, off, len);
                }
            }
        });
        boolean timedOut = false;
        try {
            if (!p.waitFor(timeout)) {
                timedOut = true;
                p.kill();
            }
        } catch (InterruptedException e) {
            p.kill();
            throw e;
        }
        int rc = p.finish();
        String stdout;
        synchronized (out) {
            stdout = out.toString(StandardCharsets.UTF_8);
        }
        return new Completion(rc, stdout, p.stderrTail(), timedOut);
    }
}
