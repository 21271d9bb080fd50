package io.stowage.transcode;

import java.nio.file.Path;

/**
 * The job was cancelled ({@link TranscodeJob#cancel()}, {@link Transcoder#close()} or an interrupt of the waiting
 * thread). ffmpeg was stopped and the partial output removed. {@link #input()} names the input of the cancelled job
 * ({@code null} when the interrupted work had none, e.g. the encoder check at start-up).
 *
 * <p>{@code catch (TranscodeCancelledException e) { log.info("{} cancelled", e.input()); return; }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeCancelledException extends TranscodeException {
    private static final long serialVersionUID = 1L;
    private final transient Path input;

    /**
     * @param input   the input of the cancelled job or probe, or {@code null} when there is none
     * @param message what was cancelled and why
     */
    public TranscodeCancelledException(Path input, String message) {
        super(message);
        this.input = input;
    }

    /** The input of the cancelled job or probe, or {@code null} when the cancelled work had none. */
    public Path input() {
        return input;
    }
}
