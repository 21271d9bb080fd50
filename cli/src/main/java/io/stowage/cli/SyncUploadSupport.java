package io.stowage.cli;

import io.stowage.s3.S3Location;
import io.stowage.s3.S3Settings;
import io.stowage.s3.TransferReport;
import io.stowage.s3.UploadOptions;
import io.stowage.sync.SessionKind;
import io.stowage.sync.SyncConfig;
import io.stowage.sync.SyncOverrides;
import io.stowage.sync.SyncConfigLoader;
import io.stowage.sync.SyncLedger;
import io.stowage.sync.SyncReport;
import io.stowage.sync.SyncUploader;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The ledger side of {@code stowage upload} ({@code --state}, {@code --project}, ...) and what the sync commands share. */
final class SyncUploadSupport {
    private SyncUploadSupport() {}

    /** The ledger options of {@code stowage upload}, mixed into {@link UploadCommand}. */
    static final class Options {
        @Option(names = "--state", paramLabel = "URL",
                description = "Ledger: a file path or jdbc:sqlite:PATH (SQLite, one process at a time) or "
                        + "jdbc:postgresql://HOST:PORT/DB?user=NAME (many workers). Records every file and session; "
                        + "a re-run skips what the ledger has as uploaded without S3 requests and resumes after a "
                        + "crash. Default: $STOWAGE_SYNC_STATE.")
        String state;

        @Option(names = "--project", paramLabel = "NAME",
                description = "Ledger project (created on first use; needs --state). Default: $STOWAGE_SYNC_PROJECT.")
        String project;

        @Option(names = "--verify-checksums",
                description = "With --state: also compare each file's MD5 with the ledger before skipping it "
                        + "(reads every file).")
        boolean verifyChecksums;

        @Option(names = "--check-remote",
                description = "With --state: list the prefix and upload again what the store lacks although the "
                        + "ledger has it.")
        boolean checkRemote;

        @Option(names = "--sync-config", paramLabel = "FILE",
                description = "With --state: a JSON file of ledger settings (project, state, workers, "
                        + "trigger_url, claim_timeout_s, ...); environment STOWAGE_SYNC_* and options override it.")
        Path configFile;

        @Option(names = "--trigger-url", paramLabel = "URL",
                description = "With --state: POST the session summary (JSON) to URL at the end, with retries.")
        String triggerUrl;

        @Option(names = "--claim-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "With a PostgreSQL --state: a worker's claim not renewed for this long returns to "
                        + "the others (default 60s).")
        Duration claimTimeout;

        /** Whether this upload uses the ledger: any ledger option, or STOWAGE_SYNC_STATE/PROJECT set. */
        boolean active() {
            return state != null || project != null || verifyChecksums || checkRemote || configFile != null
                    || triggerUrl != null || claimTimeout != null
                    || System.getenv(SyncConfig.ENV_PREFIX + "STATE") != null
                    || System.getenv(SyncConfig.ENV_PREFIX + "PROJECT") != null;
        }
    }

    /** The ledgered upload: config merged and checked first (exit 2), then ledger, bucket, upload. */
    static int upload(CommandLine.Model.CommandSpec spec, Options o, Path dir, S3Location loc, UploadOptions options,
                      S3Cli.EndpointOption endpoint, boolean json, boolean force, boolean checksum) {
        if (force) {
            throw CliException.usage("--force cannot be combined with the ledger (--state/--project): the ledger "
                    + "decides what is uploaded; use --check-remote to re-check the store, or upload without --state");
        }
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        SyncOverrides opts = SyncOverrides.none()
                .withState(o.state)
                .withProject(o.project)
                .withSource(dir)
                .withBucket(loc.bucket())
                .withPrefix(loc.prefix())
                .withEndpoint(endpoint.endpoint)
                .withRegion(endpoint.region)
                .withWorkers(pr.hasMatchedOption("--workers") ? options.workers() : null)
                .withVerifyChecksums(o.verifyChecksums || checksum ? Boolean.TRUE : null)
                .withCheckRemote(o.checkRemote ? Boolean.TRUE : null)
                .withTriggerUrl(o.triggerUrl)
                .withClaimTimeout(o.claimTimeout)
                .withInclude(options.include())
                .withExclude(options.exclude())
                .withExtensions(List.copyOf(options.extensions()));
        SyncConfig config = SyncConfigLoader.load(o.configFile, System.getenv(), opts).requireUploadable();
        S3Settings settings = settings(config);
        S3Location target = S3Location.of(config.bucket(), config.prefix());
        try (SyncLedger ledger = open(config.state(), config.workers());
             S3Client s3 = settings.newClient();
             S3ProgressBar bar = S3ProgressBar.start("upload", json)) {
            S3Cli.checkBucket(s3, target, settings);
            SyncUploader uploader = SyncUploader.builder(ledger, s3).uploadOptions(options).listener(bar).build();
            SyncReport r = S3Cli.withInterrupt(uploader::cancel, () -> uploader.upload(config), rep -> {
                bar.close();
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    Output.printJson(out, SyncJson.Report.of(rep, config, ledger));
                } else {
                    printHuman(out, rep, config, ledger);
                }
            });
            return r.isComplete() ? ExitCodes.OK : ExitCodes.PARTIAL;
        }
    }

    /** The S3 client settings a sync configuration names: endpoint (or the environment), region, a pool for its workers. */
    static S3Settings settings(SyncConfig config) {
        return S3Cli.settings("endpoint", config.endpoint(), config.region())
                .withMaxConnections(Math.max(8, config.workers() * 2 + 4));
    }

    static SyncLedger open(String state, int pool) {
        return SyncLedger.open(state, Math.max(4, Math.min(pool, 16)));
    }

    /**
     * The ledger of {@code sync status|retry|trigger}: an existing one only. These commands never create a ledger, so
     * a mistyped {@code --state} is {@code SyncLedgerNotFoundException} (exit 1) and leaves no file behind.
     */
    static SyncLedger openExisting(String state, int pool) {
        return SyncLedger.openExisting(state, Math.max(2, Math.min(pool, 16)));
    }

    static void printHuman(PrintWriter out, SyncReport r, SyncConfig c, SyncLedger ledger) {
        double secs = Math.max(r.duration().toNanos() / 1e9, 1e-3);
        out.printf(Locale.ROOT, "%s %d files (%s), skipped %d (%d unchanged in the ledger, %d already in the store),"
                        + " failed %d of %d in %.1f s (%.0f files/s)%n",
                r.kind() == SessionKind.RETRY ? "retried: uploaded" : "uploaded", r.files().uploaded(),
                SizeConverter.format(r.bytes().uploaded()), r.files().skipped(), r.files().unchanged(),
                r.files().skipped() - r.files().unchanged(), r.files().failed(), r.files().total(), secs,
                r.files().total() / secs);
        out.println("session " + r.sessionId() + " of project " + r.project() + " (" + r.status() + ") in "
                + ledger.where() + "; target " + S3Location.of(c.bucket(), c.prefix()));
        if (r.cancelled()) {
            out.println("cancelled: run the same command again to finish");
        }
        int shown = 0;
        for (TransferReport.Failure f : r.failures()) {
            if (shown++ == 20) {
                out.println("... and " + (r.failures().size() - 20) + " more (stowage sync status --project "
                        + r.project() + " --state ... lists them)");
                break;
            }
            out.println(S3Cli.failureLine(f));
        }
        if (r.files().failed() > 0) {
            out.println("retry them with: stowage sync retry --project " + r.project() + " --state "
                    + ledger.where() + " --session " + r.sessionId());
        }
        if (r.trigger() != null) {
            out.println("trigger " + r.trigger().url() + ": " + r.trigger().status() + " after "
                    + r.trigger().attempts() + " attempt(s)"
                    + (r.trigger().error() == null ? "" : " (" + S3Cli.printable(r.trigger().error()) + ")"));
        }
        out.flush();
    }
}
