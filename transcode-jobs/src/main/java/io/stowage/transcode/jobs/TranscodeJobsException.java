package io.stowage.transcode.jobs;

/**
 * Root of every failure of the transcoding service; unchecked. Subclasses name the failure and carry its facts.
 *
 * <p>{@code try { service.submit(user, in, name, "web-mp4", Optional.empty()); } catch (TranscodeJobsException e) { ... }}
 *
 * <p>Immutable, so thread-safe.
 */
public class TranscodeJobsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TranscodeJobsException(String message) {
        super(message);
    }

    public TranscodeJobsException(String message, Throwable cause) {
        super(message, cause);
    }
}
