package io.stowage.transcode;

import java.nio.file.Path;

/**
 * The input is missing, empty, not a media file or damaged beyond what ffprobe can read.
 *
 * <p>{@code catch (InputUnreadableException e) { quarantine(e.input()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class InputUnreadableException extends TranscodeException {
    private static final long serialVersionUID = 1L;
    private final transient Path input;

    public InputUnreadableException(Path input, String reason) {
        super(input + ": " + reason);
        this.input = input;
    }

    /** The file that could not be read. */
    public Path input() {
        return input;
    }
}
