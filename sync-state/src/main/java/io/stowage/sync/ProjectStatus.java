package io.stowage.sync;

import java.util.List;

/**
 * A project's file counts by state, its failed files with reasons, and its latest session.
 *
 * <pre>{@code
 * ProjectStatus s = ledger.status("photos");
 * System.out.println(s.uploaded() + " uploaded, " + s.pending() + " pending, " + s.failed() + " failed");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param project     name
 * @param bucket      bucket
 * @param prefix      prefix
 * @param uploaded    files stored and verified
 * @param pending     files known but not uploaded yet
 * @param uploading   files claimed by a worker right now (or by a crashed one until its claim times out)
 * @param failed      files whose last attempt failed
 * @param failures    the failed files (at most the limit asked for), oldest first
 * @param lastSession the newest session, or {@code null}
 */
public record ProjectStatus(String project, String bucket, String prefix, long uploaded, long pending,
                            long uploading, long failed, List<FailedFile> failures, SessionInfo lastSession) {
    public ProjectStatus {
        failures = List.copyOf(failures);
    }
}
