package io.stowage.cli;

import io.stowage.sync.SessionInfo;
import io.stowage.sync.SyncConfig;
import io.stowage.sync.SyncOverrides;
import io.stowage.sync.SyncConfigLoader;
import io.stowage.sync.SyncLedger;
import io.stowage.sync.TriggerReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code stowage sync trigger}: POST one session's summary to a URL now and record the outcome. */
@Command(name = "trigger", mixinStandardHelpOptions = true,
        description = {"POST the summary of a session (JSON: session_id, bucket, prefix, total_files,",
            "files_uploaded, files_failed, bytes, started_at, ended_at, ...) to URL with retries and a timeout,",
            "and record the outcome on the session. Exit 1 when the receiver did not accept it."},
        footer = {"", "Example:",
            "  stowage sync trigger --session 12 --url http://hooks.local/done --state stowage.db"})
final class SyncTriggerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--session", paramLabel = "ID", required = true, description = "The session.")
    long session;

    @Option(names = "--url", paramLabel = "URL", required = true, description = "Where to POST the summary.")
    String url;

    @Option(names = "--state", paramLabel = "URL", description = "Ledger (default: $STOWAGE_SYNC_STATE).")
    String state;

    @Option(names = "--project", paramLabel = "NAME",
            description = "If given, the session must belong to this project.")
    String project;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "10s", description = "Timeout of one request (default 10s).")
    Duration timeout;

    @Option(names = "--attempts", paramLabel = "N", defaultValue = "3", description = "Requests at most (default 3).")
    int attempts;

    @Option(names = "--json", description = "Print the outcome as one JSON document.")
    boolean json;

    @Override
    public Integer call() {
        SyncOverrides opts = SyncOverrides.none()
                .withState(state)
                .withTriggerUrl(url)
                .withTriggerTimeout(timeout)
                .withTriggerAttempts(attempts);
        SyncConfig c = SyncConfigLoader.load(null, System.getenv(), opts);
        if (c.state() == null) {
            throw CliException.usage("--state URL is missing: the session lives in a ledger (a file path, "
                    + "jdbc:sqlite:PATH or jdbc:postgresql://HOST/DB)");
        }
        URI target = c.triggerUrl();
        try (SyncLedger ledger = SyncUploadSupport.openExisting(c.state(), 2)) {
            SessionInfo s = ledger.session(session);
            if (project != null && !project.equals(s.project())) {
                throw CliException.usage("session " + session + " belongs to project '" + s.project() + "', not '"
                        + project + "'");
            }
            TriggerReport o = ledger.trigger(session, target, c.triggerTimeout(), c.triggerAttempts());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Output.printJson(out, SyncJson.TriggerDocument.of(session, o));
            } else {
                out.println("session " + session + " -> " + o.url() + ": " + o.status() + " after " + o.attempts()
                        + " attempt(s)" + (o.httpStatus() == null ? "" : ", HTTP " + o.httpStatus())
                        + (o.error() == null ? "" : " (" + S3Cli.printable(o.error()) + ")"));
                out.flush();
            }
            if (!o.delivered()) {
                if (json) {
                    return ExitCodes.FAILED;
                }
                throw new CliTriggerFailedException(o.url(), o.httpStatus(),
                        "the receiver did not accept the summary: " + o.error());
            }
            return ExitCodes.OK;
        }
    }
}
