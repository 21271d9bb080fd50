package io.stowage.sync;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * The summary of one session as JSON documents show it: the body {@link SyncTrigger} POSTs, and what
 * {@code stowage sync status --json} lists. Serialised with Jackson in snake_case ({@code session_id},
 * {@code files_uploaded}, {@code duration_s}, ...) by any mapper, times as ISO-8601 UTC with milliseconds.
 *
 * <pre>{@code
 * SessionSummary s = SessionSummary.of(ledger.session(42));
 * String json = new ObjectMapper().writeValueAsString(s);   // {"session_id":42,"project":"photos",...}
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param sessionId     session id
 * @param project       project name
 * @param kind          {@code upload} or {@code retry}
 * @param bucket        the project's bucket
 * @param prefix        the project's prefix
 * @param bucketName    the bucket again, as {@code bucket_name}: the field receivers written for the existing
 *                      uploader read
 * @param s3Prefix      the prefix again, as {@code s3_prefix} (the existing uploader's name for it)
 * @param source        the local folder
 * @param worker        the process that ran it
 * @param status        its status
 * @param totalFiles    files it looked at
 * @param filesUploaded files it uploaded
 * @param filesSkipped  files it skipped
 * @param filesFailed   files that failed in it
 * @param bytes         bytes it uploaded
 * @param bytesSkipped  bytes of skipped files
 * @param startedAt     start, e.g. {@code 2026-05-01T10:00:00.123Z}
 * @param endedAt       end, or {@code null} while running
 * @param durationS     seconds from start to end, or {@code null} while running
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SessionSummary(long sessionId, String project, String kind, String bucket, String prefix,
                             String bucketName, String s3Prefix, String source, String worker,
                             SessionStatus status, long totalFiles, long filesUploaded,
                             long filesSkipped, long filesFailed, long bytes, long bytesSkipped, String startedAt,
                             String endedAt, Double durationS) {

    /** The summary of a recorded session. */
    public static SessionSummary of(SessionInfo s) {
        return new SessionSummary(s.id(), s.project(), s.kind(), s.bucket(), s.prefix(), s.bucket(),
                s.prefix(), s.source(), s.worker(),
                s.status(), s.totalFiles(), s.filesUploaded(), s.filesSkipped(), s.filesFailed(), s.bytesUploaded(),
                s.bytesSkipped(), s.startedAt().truncatedTo(ChronoUnit.MILLIS).toString(),
                s.endedAt() == null ? null : s.endedAt().truncatedTo(ChronoUnit.MILLIS).toString(),
                s.endedAt() == null ? null : Duration.between(s.startedAt(), s.endedAt()).toMillis() / 1000.0);
    }
}
