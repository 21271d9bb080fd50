package io.stowage.cli;

import io.stowage.s3.S3Location;
import io.stowage.s3.TransferReport;
import io.stowage.sync.FailedFile;
import io.stowage.sync.ProjectStatus;
import io.stowage.sync.SessionInfo;
import io.stowage.sync.SessionStatus;
import io.stowage.sync.SessionSummary;
import io.stowage.sync.SyncConfig;
import io.stowage.sync.SyncLedger;
import io.stowage.sync.SyncReport;
import io.stowage.sync.TriggerReport;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The JSON documents of the ledgered upload and the sync commands, as records that {@link Output} writes (snake_case
 * field names, in declaration order).
 *
 * <p>{@code Output.printJson(out, SyncJson.Report.of(report, config, ledger));}
 *
 * <p>Immutable records, so thread-safe.
 */
final class SyncJson {
    private SyncJson() {
    }

    /** {@code stowage upload --state ...} and {@code stowage sync retry}: one session's report. */
    record Report(String source, String target, String project, String state, long sessionId, String kind,
                  SessionStatus status, long totalFiles, long uploaded, long skipped, long failed, long unchanged,
                  long newFiles, long changed, long foundInStore, long bytesUploaded, long bytesSkipped,
                  long listRequests, long headRequests, int rounds, long ledgerRows, String startedAt,
                  double durationS, double filesPerS, double ledgerRowsPerS, boolean cancelled,
                  List<PathFailure> failures, Trigger trigger) {
        static Report of(SyncReport r, SyncConfig c, SyncLedger ledger) {
            double secs = r.duration().toNanos() / 1e9;
            return new Report(c.source() == null ? null : c.source().toAbsolutePath().normalize().toString(),
                    S3Location.of(c.bucket(), c.prefix()).toString(), r.project(), ledger.where(), r.sessionId(),
                    r.kind(), r.status(), r.files().total(), r.files().uploaded(), r.files().skipped(),
                    r.files().failed(), r.files().unchanged(), r.files().newFiles(), r.files().changed(),
                    r.files().foundInStore(), r.bytes().uploaded(), r.bytes().skipped(), r.work().listRequests(),
                    r.work().headRequests(), r.work().rounds(), r.work().ledgerRows(), millis(r.startedAt()),
                    Math.round(secs * 1000) / 1000.0,
                    Math.round(r.files().total() / Math.max(secs, 1e-3) * 10) / 10.0,
                    Math.round(r.work().ledgerRows() / Math.max(secs, 1e-3) * 10) / 10.0, r.cancelled(),
                    PathFailure.of(r.failures()), Trigger.of(r.trigger()));
        }
    }

    /** A file that failed, with the reason. */
    record PathFailure(String path, String reason) {
        static List<PathFailure> of(List<TransferReport.Failure> list) {
            return list.stream().map(f -> new PathFailure(f.path(), f.reason())).toList();
        }
    }

    /** The outcome of POSTing a session summary. */
    record Trigger(String url, TriggerReport.Status status, int attempts, Integer httpStatus, String error, String at) {
        static Trigger of(TriggerReport t) {
            return t == null ? null
                    : new Trigger(t.url(), t.status(), t.attempts(), t.httpStatus(), t.error(), t.at().toString());
        }
    }

    /** {@code stowage sync trigger}: the session and the outcome, in one object. */
    record TriggerDocument(long sessionId, String url, TriggerReport.Status status, int attempts, Integer httpStatus,
                           String error, String at) {
        static TriggerDocument of(long sessionId, TriggerReport t) {
            return new TriggerDocument(sessionId, t.url(), t.status(), t.attempts(), t.httpStatus(), t.error(),
                    t.at().toString());
        }
    }

    /**
     * One session of a project, as {@code stowage sync status} lists it: the {@link SessionSummary} that the trigger
     * POSTs (one type computes the times, duration and counts of both), less the project, bucket and prefix that
     * the status document names once, plus the session's error and trigger outcome; fields in the order the
     * command has always written them.
     */
    record Session(long sessionId, String kind, SessionStatus status, String worker, String source, String startedAt,
                   String endedAt, Double durationS, long totalFiles, long filesUploaded, long filesSkipped,
                   long filesFailed, long bytes, long bytesSkipped, String error, Trigger trigger) {
        static Session of(SessionInfo s) {
            SessionSummary m = SessionSummary.of(s);
            return new Session(m.sessionId(), m.kind(), m.status(), m.worker(), m.source(), m.startedAt(),
                    m.endedAt(), m.durationS(), m.totalFiles(), m.filesUploaded(), m.filesSkipped(), m.filesFailed(),
                    m.bytes(), m.bytesSkipped(), s.error(), Trigger.of(s.trigger()));
        }
    }

    /** {@code stowage sync status}: counts by state, failed files, recent sessions. */
    record Status(String project, String target, String state, long uploaded, long pending, long uploading,
                  long failed, List<Failed> failures, List<Session> sessions) {
        static Status of(ProjectStatus st, List<SessionInfo> recent, SyncLedger ledger) {
            return new Status(st.project(), "s3://" + st.bucket() + "/" + st.prefix(), ledger.where(), st.uploaded(),
                    st.pending(), st.uploading(), st.failed(), st.failures().stream().map(Failed::of).toList(),
                    recent.stream().map(Session::of).toList());
        }
    }

    /** A failed file in the ledger. */
    record Failed(String path, String reason, int attempts, long sessionId) {
        static Failed of(FailedFile f) {
            return new Failed(f.path(), f.reason(), f.attempts(), f.sessionId());
        }
    }

    private static String millis(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
