package io.stowage.transcode;

import java.time.Duration;
import java.util.List;

/**
 * ffmpeg made no progress (no advance of output time, frames or size) for longer than the configured stall
 * timeout, and was killed. No output is left behind.
 *
 * <p>{@code catch (TranscodeStalledException e) { retryLater(); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeStalledException extends TranscodeFailedException {
    private static final long serialVersionUID = 1L;
    private final Duration stallTimeout;

    public TranscodeStalledException(String message, List<String> commandLine, List<String> stderrTail,
            Duration stallTimeout) {
        super(message, commandLine, stderrTail, -1);
        this.stallTimeout = stallTimeout;
    }

    /** The stall timeout that was exceeded. */
    public Duration stallTimeout() {
        return stallTimeout;
    }
}
