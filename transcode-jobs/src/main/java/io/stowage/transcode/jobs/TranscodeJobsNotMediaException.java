package io.stowage.transcode.jobs;

/**
 * The submitted file is not media ffprobe can read (or has no stream the preset needs). Its raw object was deleted
 * and nothing was queued.
 *
 * <p>{@code catch (TranscodeJobsNotMediaException e) { respond(415, e.originalName() + ": " + e.reason()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeJobsNotMediaException extends TranscodeJobsException {
    private static final long serialVersionUID = 1L;
    private final String originalName;
    private final String reason;

    public TranscodeJobsNotMediaException(String originalName, String reason) {
        super(originalName + " is not media the transcoder can read: " + reason
                + "; upload a video or audio file (check it with: stowage probe FILE)");
        this.originalName = originalName;
        this.reason = reason;
    }

    /** The name the file was submitted under. */
    public String originalName() {
        return originalName;
    }

    /** What ffprobe (or the preset check) said. */
    public String reason() {
        return reason;
    }
}
