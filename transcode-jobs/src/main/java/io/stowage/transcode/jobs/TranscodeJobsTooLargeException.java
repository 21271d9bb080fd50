package io.stowage.transcode.jobs;

/**
 * The submitted input is over the configured size limit. Counted while streaming: the upload stopped at the first
 * byte over the limit, the partial raw object was removed and nothing was queued.
 *
 * <p>{@code catch (TranscodeJobsTooLargeException e) { respond(413, "limit " + e.limitBytes()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeJobsTooLargeException extends TranscodeJobsException {
    private static final long serialVersionUID = 1L;
    private final String originalName;
    private final long limitBytes;
    private final long readBytes;

    public TranscodeJobsTooLargeException(String originalName, long limitBytes, long readBytes) {
        super(originalName + " is larger than the limit of " + limitBytes + " bytes (stopped after reading "
                + readBytes + " bytes); upload a smaller file or raise maxInputBytes (--max-input-size)");
        this.originalName = originalName;
        this.limitBytes = limitBytes;
        this.readBytes = readBytes;
    }

    /** The name the file was submitted under. */
    public String originalName() {
        return originalName;
    }

    /** The configured limit in bytes. */
    public long limitBytes() {
        return limitBytes;
    }

    /** How many bytes were read before the upload stopped (more than the limit). */
    public long readBytes() {
        return readBytes;
    }
}
