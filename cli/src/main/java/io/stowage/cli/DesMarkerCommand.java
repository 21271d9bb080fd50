package io.stowage.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stowage.des.ingest.IngestDatabase;
import io.stowage.des.ingest.Marker;
import io.stowage.des.ingest.MarkerBatchReport;
import io.stowage.des.ingest.MarkerListener;
import io.stowage.des.ingest.MarkerOptions;
import io.stowage.des.ingest.MarkerReport;
import io.stowage.service.ServiceServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code stowage des marker}: the catalogue worker (des-ingest {@link Marker}) over {@code des_source_catalog}. Runs
 * until SIGTERM/SIGINT (the batch in progress commits, the node-id lease is freed, exit 143/130), or with
 * {@code --once} until nothing is claimable.
 */
@Command(name = "marker", mixinStandardHelpOptions = true, defaultValueProvider = ArchiveCommand.EnvDefaults.class,
        description = {"Give DES names to the rows of des_source_catalog: a snowflake name on a leased node id,",
            "des_hash (SHA-256 of the name), des_shard (its first byte), status 'marked'; transient database errors",
            "retry with backoff, other errors go to the DLQ table. Several markers may run at once, each with its own",
            "node id. Reads the DES_MARKER_*, DES_NAME_PREFIX, DES_NODE_ID and DES_DB_URL variables of the existing",
            "worker; every option also reads STOWAGE_<OPTION> and wins over them."},
        footer = {"", "Examples:",
            "  stowage des marker --state jdbc:postgresql://db/des?user=des --node-id 3",
            "  DES_DB_URL=postgresql://des@db/des DES_NODE_ID=4 stowage des marker --rate-limit 500",
            "  stowage des marker --state des-state.db --once --max-age-days 0 --json"})
final class DesMarkerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    DesStateOption state;

    @Option(names = "--node-id", paramLabel = "N", description = "Snowflake node id 0..255, leased while the marker "
            + "runs; refused when another live process holds it (default: $DES_NODE_ID, else 0).")
    Integer nodeId;

    @Option(names = "--prefix", paramLabel = "P", description = "Name prefix (default: $DES_NAME_PREFIX, else DES).")
    String prefix;

    @Option(names = "--batch-size", paramLabel = "N", description = "Rows per transaction (default: "
            + "$DES_MARKER_BATCH_SIZE, else 100).")
    Integer batchSize;

    @Option(names = "--max-age-days", paramLabel = "D", description = "Only rows at least this old (default: "
            + "$DES_MARKER_MAX_AGE_DAYS, else 1; 0: all).")
    Double maxAgeDays;

    @Option(names = "--max-retries", paramLabel = "N", description = "Transient failures of a row before the DLQ "
            + "(default: $DES_MARKER_MAX_RETRIES, else 3).")
    Integer maxRetries;

    @Option(names = "--retry-backoff-base", paramLabel = "B", description = "A row's n-th retry waits B^n seconds "
            + "(default: $DES_MARKER_RETRY_BACKOFF_BASE, else 2).")
    Double retryBackoffBase;

    @Option(names = "--rate-limit", paramLabel = "OPS", description = "Rows per second at most (default: "
            + "$DES_MARKER_RATE_LIMIT, else no limit).")
    Double rateLimit;

    @Option(names = "--dlq", negatable = true, description = "Write rows that fail for good to the DLQ table "
            + "(default: $DES_MARKER_ENABLE_DLQ, else true).")
    Boolean dlq;

    @Option(names = "--dlq-table", paramLabel = "NAME", description = "DLQ table (default: $DES_MARKER_DLQ_TABLE, "
            + "else des_marker_dlq; created when missing).")
    String dlqTable;

    @Option(names = "--interval", paramLabel = "SECONDS", description = "Pause after a batch that was not full "
            + "(default: $DES_MARKER_INTERVAL_SECONDS, else 5).")
    Double interval;

    @Option(names = "--lease-ttl", paramLabel = "SECONDS", description = "TTL of the node-id lease (default 30).")
    Double leaseTtl;

    @CommandLine.Mixin
    DesMetricsOptions metricsOptions;

    @Option(names = "--once", description = "Mark until no row is claimable now, then exit (exit 3 when rows failed).")
    boolean once;

    @Option(names = "--json", description = "Print the report as JSON at the end.")
    boolean json;

    /** The report printed at the end. */
    record MarkerSummary(int nodeId, long batches, long marked, long retried, long failed, long dlq,
                         long failedBatches, double elapsedS) {}

    @Override
    public Integer call() {
        MarkerOptions o = options();
        String url = state.url();
        PrintWriter err = spec.commandLine().getErr();
        try (IngestDatabase db = IngestDatabase.open(url)) {
            db.migrate();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            CountDownLatch done = new CountDownLatch(1);
            try (Marker m = Marker.start(db, o, registry, MarkerListener.none());
                 ServiceServer metrics = metricsOptions.start(registry, db, err)) {
                err.printf(Locale.ROOT, "marker: node id %d, prefix %s, batch %d, state %s%n", m.nodeId(),
                        o.prefix(), o.batchSize(), db.where());
                err.flush();
                if (once) {
                    return finish(runOnce(m), m.nodeId(), true);
                }
                Thread hook = new Thread(() -> {
                    m.stop();
                    try {
                        done.await(60, TimeUnit.SECONDS);   // the batch in progress commits, the lease is freed
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "des-marker-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                MarkerReport r;
                try {
                    r = m.run();
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // stopped by a signal: the hook waits for done below
                    }
                }
                return finish(r, m.nodeId(), false);
            } finally {
                done.countDown();
            }
        }
    }

    private static MarkerReport runOnce(Marker m) {
        long t0 = System.nanoTime();
        long batches = 0;
        long marked = 0;
        long retried = 0;
        long failed = 0;
        long dlq = 0;
        while (true) {
            MarkerBatchReport r = m.runOnce();
            batches++;
            marked += r.marked();
            retried += r.retried();
            failed += r.failed();
            dlq += r.dlq();
            if (r.claimed() == 0) {
                return new MarkerReport(batches, marked, retried, failed, dlq, 0,
                        Duration.ofNanos(System.nanoTime() - t0));
            }
        }
    }

    private int finish(MarkerReport r, int node, boolean onceMode) {
        MarkerSummary s = new MarkerSummary(node, r.batches(), r.marked(), r.retried(), r.failed(), r.dlq(),
                r.failedBatches(), r.took().toMillis() / 1000.0);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.printJson(out, s);
        } else {
            out.printf(Locale.ROOT, "marked %d, retry %d, failed %d (DLQ %d) in %d batches, %.1f s%n", s.marked(),
                    s.retried(), s.failed(), s.dlq(), s.batches(), s.elapsedS());
            out.flush();
        }
        return onceMode && r.failed() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
    }

    private MarkerOptions options() {
        MarkerOptions o = MarkerOptions.fromEnvironment(System.getenv());
        if (nodeId != null) {
            o = o.withNodeId(nodeId);
        }
        if (prefix != null) {
            o = o.withPrefix(prefix);
        }
        if (batchSize != null) {
            o = o.withBatchSize(batchSize);
        }
        if (maxAgeDays != null) {
            o = o.withMaxAge(seconds("--max-age-days", maxAgeDays * 86_400));
        }
        if (maxRetries != null) {
            o = o.withMaxRetries(maxRetries);
        }
        if (retryBackoffBase != null) {
            o = o.withRetryBackoffBase(retryBackoffBase);
        }
        if (rateLimit != null) {
            o = o.withRateLimit(rateLimit);
        }
        if (dlq != null) {
            o = o.withEnableDlq(dlq);
        }
        if (dlqTable != null) {
            o = o.withDlqTable(dlqTable);
        }
        if (interval != null) {
            o = o.withInterval(seconds("--interval", interval));
        }
        if (leaseTtl != null) {
            o = o.withLeaseTtl(seconds("--lease-ttl", leaseTtl));
        }
        return o;
    }

    private static Duration seconds(String option, double s) {
        if (!(s >= 0) || Double.isInfinite(s)) {
            throw CliException.usage(option + " must be 0 or more, not " + s);
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
