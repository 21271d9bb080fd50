package io.stowage.transcode.jobs;

/**
 * A download link was asked for a job that has no output (yet): it is not {@link JobState#COMPLETED}.
 *
 * <p>{@code catch (TranscodeJobsNotReadyException e) { respond(409, "job is " + e.state()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeJobsNotReadyException extends TranscodeJobsException {
    private static final long serialVersionUID = 1L;
    private final String jobId;
    private final JobState state;

    public TranscodeJobsNotReadyException(String jobId, JobState state) {
        super("job " + jobId + " is " + state + ", not COMPLETED: it has no output to download"
                + (state.isFinal() ? "" : "; wait until it completes (stowage jobs status " + jobId + ")"));
        this.jobId = jobId;
        this.state = state;
    }

    /** The job id. */
    public String jobId() {
        return jobId;
    }

    /** The job's state when asked. */
    public JobState state() {
        return state;
    }
}
