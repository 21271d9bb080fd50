package io.stowage.transcode;

import java.nio.file.Path;

/**
 * The input is readable but lacks what the preset needs, e.g. {@code audio-aac} on a clip without audio.
 *
 * <p>{@code catch (TranscodeIncompatibleInputException e) { useAnotherPreset(); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeIncompatibleInputException extends TranscodeException {
    private static final long serialVersionUID = 1L;
    private final transient Path input;

    public TranscodeIncompatibleInputException(Path input, String reason) {
        super(input + ": " + reason);
        this.input = input;
    }

    /** The input that does not fit the preset. */
    public Path input() {
        return input;
    }
}
