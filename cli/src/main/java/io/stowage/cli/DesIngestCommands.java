package io.stowage.cli;

import io.stowage.des.ingest.Container;
import io.stowage.des.ingest.ContainerCatalog;
import io.stowage.des.ingest.CrashRecovery;
import io.stowage.des.ingest.DesPacker;
import io.stowage.des.ingest.IngestDatabase;
import io.stowage.des.ingest.PackerOptions;
import io.stowage.des.ingest.PackerReport;
import io.stowage.des.ingest.RecoveryOptions;
import io.stowage.des.ingest.RecoveryReport;
import io.stowage.des.ingest.SourceConfig;
import io.stowage.des.ingest.SourceConnector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code stowage des packer|recover|containers}: the distributed DES ingest (des-ingest module). */
final class DesIngestCommands {
    private DesIngestCommands() {}

    /** Opens and migrates the state database. */
    static IngestDatabase state(String url) {
        IngestDatabase db = IngestDatabase.open(url);
        try {
            db.migrate();
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    static List<SourceConnector> connect(Path sources) {
        List<SourceConnector> out = new ArrayList<>();
        try {
            for (SourceConfig.Source s : SourceConfig.load(sources).enabled()) {
                out.add(SourceConnector.open(s));
            }
            return out;
        } catch (RuntimeException e) {
            out.forEach(SourceConnector::close);
            throw e;
        }
    }

    /** {@code 0-15}, {@code 3}, {@code 0-3,8,12-15}. */
    static Set<Integer> shards(String spec) {
        Set<Integer> out = new TreeSet<>();
        if (spec == null || spec.isBlank()) {
            return out;
        }
        try {
            for (String part : spec.split(",")) {
                String p = part.trim();
                int dash = p.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).trim());
                if (from < 0 || to < from || to > 65535) {
                    throw new NumberFormatException();
                }
                for (int i = from; i <= to; i++) {
                    out.add(i);
                }
            }
        } catch (NumberFormatException e) {
            throw CliException.usage("--shards: '" + spec + "' is not a shard list like 0-15 or 0-3,8");
        }
        return out;
    }

    static final class Common {
        @Option(names = "--sources", paramLabel = "FILE", required = true,
                description = "The sources YAML (DES-INGEST.md section 2; ${VAR} expanded).")
        Path sources;

        @Option(names = "--state", paramLabel = "JDBC_URL", required = true,
                description = "The DES metadata database: jdbc:postgresql://HOST/DB?user=U, or a SQLite file.")
        String state;

        @Option(names = "--bucket", paramLabel = "B", defaultValue = "des-archives",
                description = "Archive bucket (default des-archives; also $STOWAGE_BUCKET).")
        String bucket;

        @CommandLine.Mixin
        S3Cli.EndpointOption endpoint;
    }

    @Command(name = "packer", mixinStandardHelpOptions = true, defaultValueProvider = ArchiveCommand.EnvDefaults.class,
            description = {"Long-running distributed packer: holds shard locks, claims pending rows of the source",
                "databases, packs their S3 objects into per-shard, per-day DES archives in the archive bucket,",
                "and marks the rows packed (exactly once across crashes). SIGTERM: finishes the batch, uploads,",
                "marks, releases its locks and exits 143."},
            footer = {"", "Examples:",
                "  stowage des packer --sources sources.yaml --state jdbc:postgresql://db/des?user=des --bucket des-archives",
                "  stowage des packer --sources s.yaml --state des.db --bucket arch --endpoint http://127.0.0.1:9000 --once"})
    static final class Packer implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Common common;

        @Option(names = "--shards", paramLabel = "LIST", description = "Shards this packer may hold, e.g. 0-15 "
                + "(default: all of the sources' shard_bits).")
        String shards;

        @Option(names = "--max-shards", paramLabel = "N", defaultValue = "0",
                description = "Most shards held at once (default 0: a fair share of the live packers).")
        int maxShards;

        @Option(names = "--dest-prefix", paramLabel = "P", defaultValue = "", description = "Key prefix of archives.")
        String destPrefix;

        @Option(names = "--max-bytes", paramLabel = "SIZE", defaultValue = "4GiB", converter = SizeConverter.class,
                description = "Roll over before an archive passes this size (default 4GiB).")
        long maxBytes;

        @Option(names = "--max-files", paramLabel = "N", defaultValue = "0",
                description = "Roll over at this many entries (default 0: no limit).")
        int maxFiles;

        @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "UTC",
                description = "Zone of the packing day (default UTC).")
        String zone;

        @Option(names = "--lock-ttl", paramLabel = "DURATION", defaultValue = "30s",
                converter = DurationConverter.class, description = "Shard lock TTL (default 30s).")
        Duration lockTtl;

        @Option(names = "--idle-finalize", paramLabel = "DURATION", defaultValue = "5m",
                converter = DurationConverter.class,
                description = "Finalize an archive that got no entry for this long (default 5m).")
        Duration idleFinalize;

        @Option(names = "--once", description = "Pack what is pending, upload, and exit (default: run until stopped). Rows other "
                + "packers have claimed are waited for (they finalize after their --idle-finalize); a log line every "
                + "30 s says so.")
        boolean once;

        @CommandLine.Mixin
        DesMetricsOptions metricsOptions;

        @Option(names = "--json", description = "Print the summary as one JSON document.")
        boolean json;

        @Override
        public Integer call() {
            ZoneId z;
            try {
                z = ZoneId.of(zone);
            } catch (RuntimeException e) {
                throw CliException.usage("--zone: '" + zone + "' is not a time zone (e.g. UTC, Europe/Berlin)");
            }
            PackerOptions o = PackerOptions.defaults(common.bucket).withDestPrefix(destPrefix)
                    .withShards(shards(shards)).withMaxShards(maxShards).withMaxBytes(maxBytes).withMaxFiles(maxFiles)
                    .withZone(z).withLockTtl(lockTtl).withIdleFinalize(idleFinalize).withExitWhenIdle(once);
            io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
                    new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
            o = o.withRegistry(registry);
            try (IngestDatabase db = state(common.state);
                 io.stowage.service.ServiceServer metrics = metricsOptions.start(registry, db,
                         spec.commandLine().getErr())) {
                List<SourceConnector> sources = connect(common.sources);
                try (S3Client s3 = common.endpoint.settings(32).newClient();
                     DesPacker p = DesPacker.create(db, sources, s3, o)) {
                    CountDownLatch printed = new CountDownLatch(1);
                    Thread hook = new Thread(() -> {
                        p.stopAndWait();
                        try {
                            printed.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    Runtime.getRuntime().addShutdownHook(hook);
                    PackerReport r = p.run();
                    print(r);
                    printed.countDown();
                    if (!r.interrupted()) {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    }
                    return r.interrupted() ? 143 : r.rowsFailed() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
                } finally {
                    sources.forEach(SourceConnector::close);
                }
            }
        }

        private void print(PackerReport r) {
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("files_packed", r.filesPacked());
                m.put("bytes_packed", r.bytesPacked());
                m.put("containers_uploaded", r.containersUploaded());
                m.put("containers_discarded", r.containersDiscarded());
                m.put("rows_failed", r.rowsFailed());
                m.put("name_clashes", r.nameClashes());
                m.put("interrupted", r.interrupted());
                m.put("elapsed_s", r.seconds());
                m.put("source_db_s", r.sourceDbSeconds());
                m.put("state_db_s", r.stateDbSeconds());
                m.put("fetch_s", r.fetchSeconds());
                m.put("pack_s", r.packSeconds());
                m.put("upload_s", r.uploadSeconds());
                Output.printJson(out, m);
            } else {
                out.printf("packed %d files (%d bytes) into %d archives in %.1f s; %d rows failed, %d archives given"
                                + " up%s%n", r.filesPacked(), r.bytesPacked(), r.containersUploaded(), r.seconds(),
                        r.rowsFailed(), r.containersDiscarded(), r.interrupted() ? " (interrupted)" : "");
                out.flush();
            }
        }
    }

    @Command(name = "recover", mixinStandardHelpOptions = true, defaultValueProvider = ArchiveCommand.EnvDefaults.class,
            description = {"Crash recovery: stale claims back to pending, containers of dead packers finished",
                "(uploaded: rows marked) or discarded (rows released), the existing system's containers adopted,",
                "uploaded containers checked. Never deletes an object it did not create; never touches a live",
                "packer's container. Packers also run it at start and every few minutes."},
            footer = {"", "Examples:",
                "  stowage des recover --sources sources.yaml --state jdbc:postgresql://db/des?user=des --dry-run"})
    static final class Recover implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Common common;

        @Option(names = "--dry-run", description = "Report what would be done; change nothing.")
        boolean dryRun;

        @Option(names = "--json", description = "Print one JSON document.")
        boolean json;

        @Override
        public Integer call() {
            try (IngestDatabase db = state(common.state)) {
                List<SourceConnector> sources = connect(common.sources);
                try (S3Client s3 = common.endpoint.settings(8).newClient()) {
                    RecoveryReport r = CrashRecovery.create(db, sources, s3, RecoveryOptions.defaults(common.bucket)
                            .withDryRun(dryRun)).run();
                    PrintWriter out = spec.commandLine().getOut();
                    if (json) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("dry_run", r.dryRun());
                        m.put("expired_locks", r.expiredLocks());
                        m.put("stale_claims", r.staleClaims());
                        m.put("containers_finished", r.containersFinished());
                        m.put("containers_discarded", r.containersDiscarded());
                        m.put("containers_adopted", r.containersAdopted());
                        m.put("uploads_aborted", r.uploadsAborted());
                        m.put("orphans_deleted", r.orphansDeleted());
                        m.put("integrity_ok", r.integrityOk());
                        m.put("integrity_problems", r.integrityProblems());
                        m.put("actions", r.actions());
                        Output.printJson(out, m);
                    } else {
                        r.actions().forEach(a -> out.println((dryRun ? "would: " : "") + a));
                        out.printf("%d expired locks, %d stale claims, %d containers finished, %d discarded, %d "
                                        + "adopted, %d uploads aborted, %d orphan archives deleted, %d checked ok, %d problems%s%n",
                                r.expiredLocks(), r.staleClaims(), r.containersFinished(), r.containersDiscarded(),
                                r.containersAdopted(), r.uploadsAborted(), r.orphansDeleted(), r.integrityOk(),
                                r.integrityProblems(),
                                dryRun ? " (dry run)" : "");
                        out.flush();
                    }
                    return r.integrityProblems() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
                } finally {
                    sources.forEach(SourceConnector::close);
                }
            }
        }
    }

    @Command(name = "containers", mixinStandardHelpOptions = true,
            defaultValueProvider = ArchiveCommand.EnvDefaults.class,
            description = {"Which container holds what: des_containers with Stowage's state, part, size and ETag."},
            footer = {"", "Examples:",
                "  stowage des containers --state jdbc:postgresql://db/des?user=des --day 2025-01-15 --shard 7 --json"})
    static final class Containers implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--state", paramLabel = "JDBC_URL", required = true, description = "The DES metadata database.")
        String state;

        @Option(names = "--day", paramLabel = "YYYY-MM-DD", description = "Only this packing day.")
        String day;

        @Option(names = "--shard", paramLabel = "N", description = "Only this shard.")
        Integer shard;

        @Option(names = "--json", description = "Print one JSON document.")
        boolean json;

        @Override
        public Integer call() {
            LocalDate d = null;
            if (day != null) {
                try {
                    d = LocalDate.parse(day);
                } catch (RuntimeException e) {
                    throw CliException.usage("--day: '" + day + "' is not a date like 2025-01-15");
                }
            }
            try (IngestDatabase db = state(state)) {
                List<Container> list = ContainerCatalog.of(db).list(d, shard);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (Container c : list) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("id", c.id());
                        m.put("shard_id", c.shardId());
                        m.put("day", c.day().toString());
                        m.put("status", c.status());
                        m.put("state", c.state() == null ? null : c.state().name().toLowerCase(java.util.Locale.ROOT));
                        m.put("bucket", c.bucket());
                        m.put("s3_key", c.s3Key());
                        m.put("part", c.part());
                        m.put("file_count", c.fileCount());
                        m.put("data_bytes", c.dataBytes());
                        m.put("archive_bytes", c.archiveBytes());
                        m.put("etag", c.etag());
                        m.put("holder", c.holder());
                        m.put("created_at", c.createdAt() == null ? null : c.createdAt().toString());
                        m.put("finalized_at", c.finalizedAt() == null ? null : c.finalizedAt().toString());
                        rows.add(m);
                    }
                    Output.printJson(out, Map.of("containers", rows));
                } else {
                    for (Container c : list) {
                        out.printf("%6d  %s  shard %3d  %-8s %-10s %6d files %12d bytes  %s%n", c.id(), c.day(),
                                c.shardId(), c.status(), c.state() == null ? "-" : c.state().name().toLowerCase(
                                        java.util.Locale.ROOT), c.fileCount(), c.dataBytes(), c.s3Key());
                    }
                    out.printf("%d containers%n", list.size());
                    out.flush();
                }
                return ExitCodes.OK;
            }
        }
    }
}
