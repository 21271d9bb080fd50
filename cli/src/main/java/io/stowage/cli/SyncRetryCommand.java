package io.stowage.cli;

import io.stowage.s3.S3Location;
import io.stowage.s3.S3Settings;
import io.stowage.s3.UploadOptions;
import io.stowage.sync.SessionInfo;
import io.stowage.sync.SyncConfig;
import io.stowage.sync.SyncLedger;
import io.stowage.sync.SyncReport;
import io.stowage.sync.SyncUploader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code stowage sync retry}: failed files again, in rounds with doubling pauses, up to the attempt limit. */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = {"Upload a project's failed files again (of one session with --session), in rounds with",
            "doubling pauses. A file that has used --max-attempts attempts stays failed with its last error.",
            "The folder and endpoint default to those of the project's newest session."},
        footer = {"", "Examples:",
            "  stowage sync retry --project photos --state stowage.db",
            "  stowage sync retry --project photos --state stowage.db --session 12 --max-attempts 8 --backoff 5s"})
final class SyncRetryCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    SyncCommand.LedgerOptions ledgerOptions;

    @Option(names = "--session", paramLabel = "ID", description = "Only the files that failed in this session.")
    Long session;

    @Option(names = "--source", paramLabel = "DIR", description = "The folder the files are in (default: the one "
            + "of the project's newest session).")
    Path source;

    @Option(names = "--max-attempts", paramLabel = "N", description = "Attempts per file in all (default 5).")
    Integer maxAttempts;

    @Option(names = "--backoff", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Pause before the second round; doubles per round (default 1s).")
    Duration backoff;

    @Option(names = "--workers", paramLabel = "N", description = "Files at once (default 16).")
    Integer workers;

    @Option(names = "--trigger-url", paramLabel = "URL", description = "POST the session summary here at the end.")
    String triggerUrl;

    @CommandLine.Mixin
    S3Cli.EndpointOption endpoint;

    @Option(names = "--json", description = "Print the report as one JSON document.")
    boolean json;

    @Override
    public Integer call() {
        Map<String, Object> more = new LinkedHashMap<>();
        more.put("source", source == null ? null : source.toString());
        more.put("max_attempts", maxAttempts);
        more.put("retry_backoff_s", backoff == null ? null : backoff.toNanos() / 1e9);
        more.put("workers", workers);
        more.put("trigger_url", triggerUrl);
        more.put("endpoint", endpoint.endpoint);
        more.put("region", endpoint.region);
        SyncConfig c = ledgerOptions.require(more);
        try (SyncLedger ledger = SyncUploadSupport.openExisting(c.state(), c.workers())) {
            List<SessionInfo> recent = ledger.sessions(c.project(), 1);
            SyncConfig config = c;
            if (config.endpoint() == null && !recent.isEmpty()) {
                Object ep = endpointOf(recent.get(0).config());
                if (ep != null) {
                    config = config.withEndpoint(ep.toString());
                }
            }
            S3Settings settings = SyncUploadSupport.settings(config);
            SyncConfig effective = config;
            try (S3Client s3 = settings.newClient();
                 S3ProgressBar bar = S3ProgressBar.start("retry", json)) {
                if (!recent.isEmpty()) {
                    S3Cli.checkBucket(s3, S3Location.of(recent.get(0).bucket(), recent.get(0).prefix()), settings);
                }
                SyncUploader uploader = SyncUploader.builder(ledger, s3).uploadOptions(UploadOptions.defaults())
                        .listener(bar).build();
                SyncReport r = S3Cli.withInterrupt(uploader::cancel, () -> uploader.retry(effective, session), rep -> {
                    bar.close();
                    SyncConfig shown = effective.withTarget(recent.isEmpty() ? null : recent.get(0).bucket(),
                            recent.isEmpty() ? "" : recent.get(0).prefix());
                    if (json) {
                        Output.printJson(spec.commandLine().getOut(), SyncJson.Report.of(rep, shown, ledger));
                    } else {
                        SyncUploadSupport.printHuman(spec.commandLine().getOut(), rep, shown, ledger);
                    }
                });
                return r.isComplete() ? ExitCodes.OK : ExitCodes.PARTIAL;
            }
        }
    }

    private static Object endpointOf(String configJson) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = Output.JSON.readTree(configJson).get("endpoint");
            return n == null || n.isNull() ? null : n.asText();
        } catch (Exception e) {
            return null;
        }
    }
}
