package io.stowage.transcode.jobs;

/**
 * Where a job is. {@code PENDING} (queued) → {@code PROCESSING} (a worker holds it) → {@code COMPLETED},
 * {@code FAILED} or {@code CANCELLED}; a job whose worker died goes back to {@code PENDING} until another takes it.
 *
 * <p>{@code if (view.state().isFinal()) { ... }} Enum, so thread-safe.
 */
public enum JobState {
    PENDING, PROCESSING, COMPLETED, FAILED, CANCELLED;

    /** True for COMPLETED, FAILED and CANCELLED: the job will not change state again. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
