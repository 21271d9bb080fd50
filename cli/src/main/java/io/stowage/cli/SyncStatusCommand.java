package io.stowage.cli;

import io.stowage.sync.FailedFile;
import io.stowage.sync.ProjectStatus;
import io.stowage.sync.SessionInfo;
import io.stowage.sync.SyncConfig;
import io.stowage.sync.SyncLedger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code stowage sync status}: counts by state, failed files with reasons, recent sessions. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show a project's files by state (uploaded, pending, uploading, failed), the failed files",
            "with their last error, and its recent sessions. An unknown project is an error (exit 1)."},
        footer = {"", "Examples:",
            "  stowage sync status --project photos --state stowage.db",
            "  stowage sync status --project photos --state jdbc:postgresql://db/stowage?user=up --json"})
final class SyncStatusCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    SyncCommand.LedgerOptions ledgerOptions;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "Failed files to list at most (default 1000).")
    int limit;

    @Option(names = "--sessions", paramLabel = "N", defaultValue = "5",
            description = "Recent sessions to show (default 5).")
    int sessions;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    @Override
    public Integer call() {
        if (limit < 0 || sessions < 0) {
            throw CliException.usage("--limit and --sessions must be 0 or more");
        }
        SyncConfig c = ledgerOptions.require(Map.of());
        try (SyncLedger ledger = SyncUploadSupport.openExisting(c.state(), 2)) {
            ProjectStatus st = ledger.status(c.project(), limit);
            List<SessionInfo> recent = ledger.sessions(c.project(), sessions);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Output.printJson(out, SyncJson.Status.of(st, recent, ledger));
            } else {
                out.printf("project %s -> s3://%s/%s in %s%n", st.project(), st.bucket(), st.prefix(), ledger.where());
                out.printf("uploaded %d, pending %d, uploading %d, failed %d%n", st.uploaded(), st.pending(),
                        st.uploading(), st.failed());
                for (FailedFile f : st.failures()) {
                    out.printf("failed: %s: %s (attempts %d, session %d)%n", S3Cli.printable(f.path()),
                            S3Cli.printable(f.reason()), f.attempts(),
                            f.sessionId());
                }
                if (st.failed() > st.failures().size()) {
                    out.printf("... and %d more failed files (raise --limit)%n", st.failed() - st.failures().size());
                }
                for (SessionInfo s : recent) {
                    out.printf("session %d %s %s: started %s, %d files, %d uploaded, %d skipped, %d failed%s%n",
                            s.id(), s.kind(), s.status(), s.startedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                            s.totalFiles(), s.filesUploaded(), s.filesSkipped(), s.filesFailed(),
                            s.trigger() == null ? "" : ", trigger " + s.trigger().status());
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
