package io.stowage.transcode.jobs;

/**
 * The outcome of a job's email: {@code NOT_REQUESTED} (no address), {@code PENDING} (not yet sent or being retried),
 * {@code SENT}, {@code FAILED} (every attempt failed; {@link JobView#notificationError()} says why).
 *
 * <p>{@code if (view.notification() == NotificationState.FAILED) { ... }} Enum, so thread-safe.
 */
public enum NotificationState {
    NOT_REQUESTED, PENDING, SENT, FAILED
}
