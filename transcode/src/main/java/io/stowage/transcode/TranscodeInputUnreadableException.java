package io.stowage.transcode;

import java.nio.file.Path;

/**
 * The input is missing, empty, not a media file or damaged beyond what ffprobe can read.
 *
 * <p>{@code catch (TranscodeInputUnreadableException e) { quarantine(e.input()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeInputUnreadableException extends TranscodeException {
    private static final long serialVersionUID = 1L;
    private final transient Path input;

    public TranscodeInputUnreadableException(Path input, String reason) {
        super(input + ": " + reason);
        this.input = input;
    }

    /** The file that could not be read. */
    public Path input() {
        return input;
    }
}
