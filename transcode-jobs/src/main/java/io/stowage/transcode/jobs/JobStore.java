package io.stowage.transcode.jobs;

import java.util.Map;
import java.util.Optional;

/**
 * The jobs in Redis: a hash per job ({@code {prefix}job:{id}}: state, percent, preset, encoder, keys, error,
 * attempts, times, owner, notice outcome) and a per-user history ({@code {prefix}user:{user}:jobs}, a sorted set by
 * creation time). Every read takes the user and treats another user's job as not found. Finished jobs and their
 * history entries expire {@link TranscodeJobsConfig#retention()} after they finish.
 *
 * <p>{@link TranscodeService} and {@link TranscodeWorker} each hold one; open a store alone to read jobs from a
 * dashboard or a script:
 *
 * <pre>{@code
 * try (JobStore store = JobStore.open(config)) {
 *     JobView v = store.get("alice", JobId.parse("alice", "0192f3a4b5c6d7e8f9a0b1c2"));
 *     JobPage page = store.history("alice", 0, 20);
 * }
 * }</pre>
 *
 * <p>Thread-safe: one Lettuce connection shared by all callers. Writes are package-private (only the service and
 * the worker change jobs).
 */
public final class JobStore implements AutoCloseable {

    JobStore() {
    }

    /**
     * Connects to {@link TranscodeJobsConfig#redisUrl()}.
     *
     * @throws TranscodeJobsBackendException when Redis cannot be reached
     */
    public static JobStore open(TranscodeJobsConfig config) {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /**
     * The job, if it exists and belongs to {@code user}.
     *
     * @throws TranscodeJobsInvalidUserException for a user id that cannot be a key part
     */
    public Optional<JobView> find(String user, JobId id) {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /**
     * The job.
     *
     * @throws TranscodeJobsNotFoundException when it does not exist or belongs to another user
     */
    public JobView get(String user, JobId id) {
        return find(user, id).orElseThrow(() -> new TranscodeJobsNotFoundException(user, id.value()));
    }

    /**
     * One page of the user's jobs, newest first.
     *
     * @param page from 0
     * @param size 1 to 1000
     * @throws IllegalArgumentException for a negative page or a size outside 1..1000
     */
    public JobPage history(String user, int page, int size) {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /** How many unexpired jobs are in each state (for metrics; counted from a per-state index, O(states)). */
    public Map<JobState, Long> countByState() {
        throw new UnsupportedOperationException("step 1: API only");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("step 1: API only");
    }
}
