package io.stowage.cli;

import io.stowage.sync.SyncConfig;
import io.stowage.sync.SyncOverrides;
import io.stowage.sync.SyncConfigLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;


/** {@code stowage sync status|retry|trigger}: the ledger of ledgered uploads ({@code stowage upload --state}). */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Inspect and act on the upload ledger that `stowage upload --state URL --project NAME` keeps.",
            "File counts and failed files with reasons, retry of failed files with backoff rounds, and the",
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
        SyncConfig require(SyncOverrides more) {
            return SyncConfigLoader.load(null, System.getenv(), more.withState(state).withProject(project))
                    .requireLedger();
        }
    }
}
