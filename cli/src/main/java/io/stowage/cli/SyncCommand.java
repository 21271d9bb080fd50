package io.stowage.cli;

import io.stowage.sync.SessionInfo;
import io.stowage.sync.SyncConfig;
import io.stowage.sync.SyncConfigException;
import io.stowage.sync.SyncConfigLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code stowage sync status|retry|trigger}: the ledger of ledgered uploads ({@code stowage upload --state}). */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Inspect and act on the upload ledger that `stowage upload --state URL --project NAME` keeps:",
            "file counts and failed files with reasons, retry of failed files with backoff rounds, and the",
            "session summary POSTed to a URL."},
        footer = {"", "Examples:",
            "  stowage sync status --project photos --state stowage.db --json",
            "  stowage sync retry --project photos --state jdbc:postgresql://db/stowage?user=up --session 12",
            "  stowage sync trigger --session 12 --url http://hooks.local/done --state stowage.db"},
        subcommands = {SyncStatusCommand.class, SyncRetryCommand.class, SyncTriggerCommand.class})
final class SyncCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code --state} and {@code --project} of the sync commands (defaults: STOWAGE_SYNC_STATE / _PROJECT). */
    static final class LedgerOptions {
        @Option(names = "--state", paramLabel = "URL",
                description = "Ledger: a file path, jdbc:sqlite:PATH or jdbc:postgresql://HOST:PORT/DB?user=NAME "
                        + "(default: $STOWAGE_SYNC_STATE).")
        String state;

        @Option(names = "--project", paramLabel = "NAME", description = "Project (default: $STOWAGE_SYNC_PROJECT).")
        String project;

        /** The state and project from the options, then the environment; both required. */
        SyncConfig require(Map<String, Object> more) {
            Map<String, Object> opts = new LinkedHashMap<>(more);
            opts.put("state", state);
            opts.put("project", project);
            try {
                return SyncConfigLoader.load(null, System.getenv(), opts).requireLedger();
            } catch (SyncConfigException e) {
                throw CliException.usage(e.getMessage());
            }
        }
    }

    static Map<String, Object> session(SessionInfo s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session_id", s.id());
        m.put("kind", s.kind());
        m.put("status", s.status());
        m.put("worker", s.worker());
        m.put("source", s.source());
        m.put("started_at", s.startedAt().truncatedTo(ChronoUnit.MILLIS).toString());
        m.put("ended_at", s.endedAt() == null ? null : s.endedAt().truncatedTo(ChronoUnit.MILLIS).toString());
        m.put("duration_s", s.endedAt() == null ? null
                : Duration.between(s.startedAt(), s.endedAt()).toMillis() / 1000.0);
        m.put("total_files", s.totalFiles());
        m.put("files_uploaded", s.filesUploaded());
        m.put("files_skipped", s.filesSkipped());
        m.put("files_failed", s.filesFailed());
        m.put("bytes", s.bytesUploaded());
        m.put("bytes_skipped", s.bytesSkipped());
        m.put("error", s.error());
        m.put("trigger", SyncUploadSupport.trigger(s.trigger()));
        return m;
    }
}
