package io.stowage.transcode;

import java.util.List;

/**
 * ffmpeg finished but its output did not pass verification (readable by ffprobe, expected streams and codecs,
 * duration within max(0.5 s, 1 %) of the input, non-empty, optionally not larger than the input). The output was
 * not moved to its real name and was deleted.
 *
 * <p>{@code catch (TranscodeVerificationFailedException e) { e.problems().forEach(log::warn); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeVerificationFailedException extends TranscodeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public TranscodeVerificationFailedException(String output, List<String> problems) {
        super(output + ": output failed verification: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each check that failed, with expected and actual values. */
    public List<String> problems() {
        return problems;
    }
}
