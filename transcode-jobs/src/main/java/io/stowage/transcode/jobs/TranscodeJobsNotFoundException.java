package io.stowage.transcode.jobs;

/**
 * No job with this id belongs to this user: it never existed, expired, was deleted, or belongs to another user (the
 * service never tells these apart, so ids of other users' jobs leak nothing).
 *
 * <p>{@code catch (TranscodeJobsNotFoundException e) { respond(404, e.jobId()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeJobsNotFoundException extends TranscodeJobsException {
    private static final long serialVersionUID = 1L;
    private final String user;
    private final String jobId;

    public TranscodeJobsNotFoundException(String user, String jobId) {
        super("job " + jobId + " not found for user " + user
                + "; list the user's jobs (stowage jobs list --user " + user + ") to see the ids that exist");
        this.user = user;
        this.jobId = jobId;
    }

    /** The user who asked. */
    public String user() {
        return user;
    }

    /** The job id as given. */
    public String jobId() {
        return jobId;
    }
}
