package io.stowage.transcode;

import java.util.List;

/**
 * ffmpeg failed: it exited non-zero, was killed, or ended without {@code progress=end}. Carries the command line
 * and the last lines ffmpeg wrote to stderr.
 *
 * <p>{@code catch (TranscodeFailedException e) { log.warn("{}\n{}", e.commandLine(), e.stderrTail()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public class TranscodeFailedException extends TranscodeException {
    private static final long serialVersionUID = 1L;
    private final List<String> commandLine;
    private final List<String> stderrTail;
    private final int exitCode;

    public TranscodeFailedException(String message, List<String> commandLine, List<String> stderrTail, int exitCode) {
        super(message + (stderrTail.isEmpty() ? "" : "; ffmpeg said: " + String.join(" | ", lastLines(stderrTail, 5))));
        this.commandLine = List.copyOf(commandLine);
        this.stderrTail = List.copyOf(stderrTail);
        this.exitCode = exitCode;
    }

    private static List<String> lastLines(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    /** The ffmpeg command line that failed, one argument per element. */
    public List<String> commandLine() {
        return commandLine;
    }

    /** The last lines ffmpeg wrote to stderr (at most a few dozen). */
    public List<String> stderrTail() {
        return stderrTail;
    }

    /** ffmpeg's exit code, or -1 when it was killed by this library. */
    public int exitCode() {
        return exitCode;
    }
}
