package io.stowage.transcode.jobs;

import java.time.Instant;

/**
 * A snapshot of one job as stored in Redis. Fields that do not apply yet are {@code null} (times, keys, encoder,
 * error) or {@code -1} (sizes).
 *
 * <pre>{@code
 * JobView v = service.status("alice", id);
 * System.out.printf("%s %s %.0f%%%n", v.id(), v.state(), v.percent());
 * }</pre>
 *
 * @param id                the job id
 * @param user              the owner
 * @param state             where the job is
 * @param percent           0 to 100, never backwards
 * @param preset            the preset name
 * @param originalName      the name the file was submitted under
 * @param safeName          the reduced file name used in keys
 * @param encoder           the video (or audio) encoder used; null until known
 * @param inputKey          the raw input's S3 key ({@code raw/{user}/{job}/{safe name}}); kept after the input is removed
 * @param inputSize         the raw input's size in bytes
 * @param outputKey         the output's S3 key under {@code processed/}; null until COMPLETED
 * @param outputSize        the output's size in bytes, -1 until COMPLETED
 * @param error             why the job failed, null otherwise
 * @param attempts          how many times a worker started it
 * @param createdAt         when it was submitted
 * @param startedAt         when a worker last started it, null before
 * @param finishedAt        when it reached a final state, null before
 * @param email             where to send the notice, null for none
 * @param notification      the notice's outcome
 * @param notificationError why the notice failed, null otherwise
 * @param cancelRequested   true once cancel was asked
 * @param inputRemoved      true once the raw input was deleted (after the output was verified)
 *
 * <p>Immutable, so thread-safe.
 */
public record JobView(JobId id, String user, JobState state, double percent, String preset, String originalName,
                      String safeName, String encoder, String inputKey, long inputSize, String outputKey,
                      long outputSize, String error, int attempts, Instant createdAt, Instant startedAt,
                      Instant finishedAt, String email, NotificationState notification, String notificationError,
                      boolean cancelRequested, boolean inputRemoved) {
}
