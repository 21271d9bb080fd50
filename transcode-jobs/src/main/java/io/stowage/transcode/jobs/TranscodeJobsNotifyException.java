package io.stowage.transcode.jobs;

/**
 * A {@link Notifier} could not deliver a notice. The worker retries it and records the outcome on the job; it never
 * fails the job.
 *
 * <p>{@code throw new TranscodeJobsNotifyException("user@example.com", "SMTP 550 mailbox unavailable", e);}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeJobsNotifyException extends TranscodeJobsException {
    private static final long serialVersionUID = 1L;
    private final String recipient;
    private final String reason;

    public TranscodeJobsNotifyException(String recipient, String reason, Throwable cause) {
        super("notification to " + recipient + " failed: " + reason
                + "; check the SMTP server (--smtp) and the address", cause);
        this.recipient = recipient;
        this.reason = reason;
    }

    /** The address the notice was for. */
    public String recipient() {
        return recipient;
    }

    /** What failed, in words. */
    public String reason() {
        return reason;
    }
}
