package io.stowage.transcode.jobs;

/**
 * The notification address of a submit is not a plain email address ({@code local@domain}, no spaces or line
 * breaks, at most 254 characters). Nothing was stored or queued.
 *
 * <p>{@code catch (TranscodeJobsInvalidEmailException e) { respond(400, e.getMessage()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeJobsInvalidEmailException extends TranscodeJobsException {
    private static final long serialVersionUID = 1L;
    private final String email;

    public TranscodeJobsInvalidEmailException(String email) {
        super("email address '" + email + "' is not usable; give one like name@example.com (no spaces)");
        this.email = email;
    }

    /** The address as given. */
    public String email() {
        return email;
    }
}
