package io.stowage.transcode;

/**
 * A preset catalogue (JSON) that cannot be parsed or holds an invalid preset; the message names the preset, the
 * field and why.
 *
 * <p>{@code catch (InvalidPresetException e) { System.err.println(e.getMessage()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class InvalidPresetException extends TranscodeException {
    private static final long serialVersionUID = 1L;

    public InvalidPresetException(String message) {
        super(message);
    }

    public InvalidPresetException(String message, Throwable cause) {
        super(message, cause);
    }
}
