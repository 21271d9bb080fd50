package io.stowage.transcode;

/**
 * Root of every failure of this module; unchecked. Subclasses name the failure and carry the facts.
 *
 * <p>{@code try { transcoder.transcode(request); } catch (TranscodeException e) { log.warn(e.getMessage()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public class TranscodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TranscodeException(String message) {
        super(message);
    }

    public TranscodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
