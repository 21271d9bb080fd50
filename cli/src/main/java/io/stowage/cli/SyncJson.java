package io.stowage.cli;

import io.stowage.s3.S3Location;
import io.stowage.s3.TransferReport;
import io.stowage.sync.FailedFile;
import io.stowage.sync.ProjectStatus;
import io.stowage.sync.SessionInfo;
import io.stowage.sync.SyncConfig;
import io.stowage.sync.SyncLedger;
import io.stowage.sync.SyncReport;
import io.stowage.sync.TriggerOutcome;

import java.time.Duration;
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
                  String status, long totalFiles, long uploaded, long skipped, long failed, long unchanged,
                  long newFiles, long changed, long foundInStore, long bytesUploaded, long bytesSkipped,
                  long listRequests, long headRequests, int rounds, long ledgerRows, String startedAt,
                  double durationS, double filesPerS, double ledgerRowsPerS, boolean cancelled,
                  List<PathFailure> failures, Trigger trigger) {
        static Report of(SyncReport r, SyncConfig c, SyncLedger ledger) {
            double secs = r.duration().toNanos() / 1e9;
            return new Report(c.source() == null ? null : c.source().toAbsolutePath().normalize().toString(),
                    S3Location.of(c.bucket(), c.prefix()).toString(), r.project(), ledger.where(), r.sessionId(),
                    r.kind(), r.status(), r.totalFiles(), r.uploaded(), r.skipped(), r.failed(), r.unchanged(),
                    r.newFiles(), r.changed(), r.foundInStore(), r.bytesUploaded(), r.bytesSkipped(),
                    r.listRequests(), r.headRequests(), r.rounds(), r.ledgerRows(), millis(r.startedAt()),
                    Math.round(secs * 1000) / 1000.0,
                    Math.round(r.totalFiles() / Math.max(secs, 1e-3) * 10) / 10.0,
                    Math.round(r.ledgerRows() / Math.max(secs, 1e-3) * 10) / 10.0, r.cancelled(),
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
    record Trigger(String url, String status, int attempts, Integer httpStatus, String error, String at) {
        static Trigger of(TriggerOutcome t) {
            return t == null ? null
                    : new Trigger(t.url(), t.status(), t.attempts(), t.httpStatus(), t.error(), t.at().toString());
        }
    }

    /** {@code stowage sync trigger}: the session and the outcome, in one object. */
    record TriggerReport(long sessionId, String url, String status, int attempts, Integer httpStatus, String error,
                         String at) {
        static TriggerReport of(long sessionId, TriggerOutcome t) {
            return new TriggerReport(sessionId, t.url(), t.status(), t.attempts(), t.httpStatus(), t.error(),
                    t.at().toString());
        }
    }

    /** One session of a project, as {@code stowage sync status} lists it. */
    record Session(long sessionId, String kind, String status, String worker, String source, String startedAt,
                   String endedAt, Double durationS, long totalFiles, long filesUploaded, long filesSkipped,
                   long filesFailed, long bytes, long bytesSkipped, String error, Trigger trigger) {
        static Session of(SessionInfo s) {
            return new Session(s.id(), s.kind(), s.status(), s.worker(), s.source(), millis(s.startedAt()),
                    s.endedAt() == null ? null : millis(s.endedAt()),
                    s.endedAt() == null ? null : Duration.between(s.startedAt(), s.endedAt()).toMillis() / 1000.0,
                    s.totalFiles(), s.filesUploaded(), s.filesSkipped(), s.filesFailed(), s.bytesUploaded(),
                    s.bytesSkipped(), s.error(), Trigger.of(s.trigger()));
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
