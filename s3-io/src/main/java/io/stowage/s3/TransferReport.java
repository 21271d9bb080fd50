package io.stowage.s3;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The result of an upload or download run: counts, bytes, duration, and every file that failed with its reason.
 * Failed files do not throw: the run goes on and reports them here.
 *
 * <pre>{@code
 * TransferReport r = uploader.upload(dir, target);
 * if (!r.isComplete()) r.failures().forEach(f -> System.err.println(f.path() + ": " + f.reason()));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param transferred      files uploaded (or downloaded) and verified
 * @param skipped          files already there
 * @param failed           files that failed
 * @param bytesTransferred bytes uploaded (or downloaded) in verified files
 * @param bytesSkipped     bytes of skipped files
 * @param retries          requests retried after transient errors
 * @param listRequests     listing pages requested
 * @param startedAt        when the run started
 * @param duration         how long it ran
 * @param cancelled        whether it was cancelled before finishing (files not started are not counted)
 * @param failures         each failed file with its reason, in the order they failed
 * @param ignored          entries left out on purpose with the reason (special files, links not followed, loops)
 */
public record TransferReport(long transferred, long skipped, long failed, long bytesTransferred, long bytesSkipped,
                             long retries, long listRequests, Instant startedAt, Duration duration, boolean cancelled,
                             List<Failure> failures, List<Failure> ignored) {
    public TransferReport {
        failures = List.copyOf(failures);
        ignored = List.copyOf(ignored);
    }

    /** True when nothing failed and the run was not cancelled. */
    public boolean isComplete() {
        return failed == 0 && !cancelled;
    }

    /**
     * One file that failed or was left out.
     *
     * @param path   relative path (upload) or path relative to the target folder (download)
     * @param key    the S3 key, or {@code null}
     * @param reason what went wrong, with the value that caused it
     */
    public record Failure(String path, String key, String reason) {}
}
