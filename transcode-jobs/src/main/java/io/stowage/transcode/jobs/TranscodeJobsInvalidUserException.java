package io.stowage.transcode.jobs;

/**
 * A user id cannot be used as a key part: empty, longer than 128 characters, or with characters outside
 * {@code [A-Za-z0-9._@-]} (it becomes part of S3 keys and Redis keys). Nothing was stored or queued.
 *
 * <p>{@code catch (TranscodeJobsInvalidUserException e) { respond(400, e.getMessage()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeJobsInvalidUserException extends TranscodeJobsException {
    private static final long serialVersionUID = 1L;
    private final String user;

    public TranscodeJobsInvalidUserException(String user, String reason) {
        super("user id '" + user + "' cannot be used: " + reason
                + "; user ids are 1-128 characters of A-Z a-z 0-9 . _ @ -");
        this.user = user;
    }

    /** The user id as given. */
    public String user() {
        return user;
    }
}
