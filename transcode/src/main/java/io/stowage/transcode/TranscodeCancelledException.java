package io.stowage.transcode;

/**
 * The job was cancelled ({@link TranscodeJob#cancel()}, {@link Transcoder#close()} or an interrupt of the waiting
 * thread). ffmpeg was stopped and the partial output removed.
 *
 * <p>{@code catch (TranscodeCancelledException e) { return; }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeCancelledException extends TranscodeException {
    private static final long serialVersionUID = 1L;

    public TranscodeCancelledException(String message) {
        super(message);
    }
}
