package io.stowage.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.stowage.archiver.ArchiveAction;
import io.stowage.archiver.ArchiveActionType;
import io.stowage.archiver.ArchiveDay;
import io.stowage.archiver.ArchiveFailure;
import io.stowage.archiver.ArchiveOptions;
import io.stowage.archiver.ArchivePlan;
import io.stowage.archiver.ArchiveReport;
import io.stowage.archiver.ArchiveStatus;
import io.stowage.archiver.ArchiveTotals;
import io.stowage.archiver.CameraArchiver;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code stowage archive --input DIR}: the camera archiver, a thin adapter over {@link CameraArchiver}. */
@Command(name = "archive", mixinStandardHelpOptions = true,
        defaultValueProvider = ArchiveCommand.EnvDefaults.class,
        description = {"Archive camera recordings: transcode each due MP4 (preset camera-archive) to",
            "OUTPUT/YYYY/MM/DD/, verify it, then move the source and its JPG to the trash.",
            "",
            "Names: {input}/YYYY/MM/DD/REO_camera_YYYYMMDDHHMMSS.mp4|.jpg, Reolink's",
            "Name_00_YYYYMMDDHHMMSS.mp4, or --pattern. Times are local to --zone. A name that",
            "does not parse is reported, never touched. A recording modified within --settle",
            "is left for the next run. The whole plan is made before anything changes;",
            "--dry-run prints it and changes nothing. A source is removed only after its output",
            "verified; a failed clip stays and is reported (exit 3). --cleanup empties the trash",
            "(and with --clean-output removes outputs) by --age and --max-size (input + output +",
            "trash, oldest first; exit 3 when the cap cannot be met). --delete and --cleanup ask",
            "on a terminal and need --no-confirm without one. SIGINT/SIGTERM/SIGHUP stop the",
            "running ffmpeg, remove its partial output and print the summary (exit 130/143/129);",
            "a second signal exits at once. Every option also reads STOWAGE_<OPTION>."},
        footer = {"", "Examples:",
            "  stowage archive --input /camera",
            "  stowage archive --input /camera --dry-run --json",
            "  stowage archive --input /camera --zone Europe/Berlin --workers 2",
            "  stowage archive --input /camera --cleanup --age 30d --max-size 500G --no-confirm",
            "  stowage archive --input /camera --pattern '(?<camera>\\w+)-(?<year>\\d{4})(?<month>\\d\\d)"
                    + "(?<day>\\d\\d)-(?<hour>\\d\\d)(?<minute>\\d\\d)(?<second>\\d\\d)\\.mp4'"})
final class ArchiveCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", paramLabel = "DIR", required = true, description = "The camera folder.")
    Path input;

    @Option(names = "--output", paramLabel = "DIR", description = "Archived outputs (default: INPUT/archived).")
    Path output;

    @Option(names = "--trash", paramLabel = "DIR", description = "Removed sources (default: INPUT/.deleted).")
    Path trash;

    @Option(names = "--log-file", paramLabel = "FILE",
            description = "Size-rotated log (default: INPUT/archiver.log; none with --dry-run).")
    Path logFile;

    @Option(names = "--lock-file", paramLabel = "FILE", description = "Default: INPUT/.stowage-archiver.lock.")
    Path lockFile;

    @Option(names = "--pattern", paramLabel = "REGEX", description = "File-name pattern with named groups year month"
            + " day hour minute second (and optional camera), matched against the whole name.")
    String pattern;

    @Option(names = "--zone", paramLabel = "ZONE", description = "Zone of the times in names (default: the system's).")
    String zone;

    @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "2m", converter = DurationConverter.class,
            description = "Leave recordings modified within this (default: ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(names = "--older-than", paramLabel = "DURATION", defaultValue = "0",
            converter = DurationConverter.class,
            description = "Archive only recordings at least this old (default: all).")
    Duration olderThan;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "camera-archive",
            description = "Transcode preset (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--no-skip", description = "Transcode again even when a verified output exists.")
    boolean noSkip;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
            description = "Clips at once (default: what the encoders allow, about one per 2 cores).")
    int workers;

    @Option(names = "--delete", description = "Delete sources for good instead of moving them to the trash.")
    boolean delete;

    @Option(names = "--cleanup", description = "Empty the trash by --age and --max-size.")
    boolean cleanup;

    @Option(names = "--age", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --cleanup: remove what was recorded longer ago than this (e.g. 30d).")
    Duration age;

    @Option(names = "--max-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "With --cleanup: keep input + output + trash under this (e.g. 500G), oldest removed first.")
    Long maxSize;

    @Option(names = "--clean-output", description = "With --cleanup: archived outputs may be removed too.")
    boolean cleanOutput;

    @Option(names = "--no-confirm", description = "Do not ask before --delete or --cleanup (needed without a terminal).")
    boolean noConfirm;

    @Option(names = "--dry-run", description = "Print the plan; change nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print one JSON document (the plan with --dry-run, else the report).")
    boolean json;

    @CommandLine.Mixin
    TranscodeCli.FfmpegOptions ffmpeg = new TranscodeCli.FfmpegOptions();

    @Override
    public Integer call() throws Exception {
        ArchiveOptions options = options();
        PrintWriter out = spec.commandLine().getOut();
        ArchiveProgressBar progress = new ArchiveProgressBar(json || dryRun);
        try (CameraArchiver archiver = CameraArchiver.builder(input).options(options)
                .transcoderConfig(ffmpeg.config()).listener(progress).build();
             ArchiveSignals signals = ArchiveSignals.install(archiver)) {
            ArchivePlan plan = archiver.plan();
            progress.roots(plan.output(), plan.trash());
            if (dryRun) {
                printPlan(plan, out, signals);
                return signals.received() > 0 ? signals.exitCode() : ExitCodes.OK;
            }
            confirm(plan);
            ArchiveLogFile.start(logFile != null ? logFile : plan.input().resolve("archiver.log"));
            LoggerFactory.getLogger(ArchiveCommand.class).info("archive run on {}: {}", plan.input(), plan.totals());
            ArchiveReport report;
            try {
                report = archiver.execute(plan);
            } finally {
                progress.close();
            }
            printReport(report, out);
            if (report.status() == ArchiveStatus.INTERRUPTED) {
                return signals.received() > 0 ? signals.exitCode() : 130;
            }
            return report.status() == ArchiveStatus.COMPLETE ? ExitCodes.OK : ExitCodes.PARTIAL;
        } finally {
            ArchiveLogFile.stop();
        }
    }

    private ArchiveOptions options() {
        try {
            ArchiveOptions o = ArchiveOptions.defaults().withOutput(output).withTrash(trash).withLogFile(logFile)
                    .withLockFile(lockFile).withSettle(settle).withOlderThan(olderThan).withPreset(preset)
                    .withSkipArchived(!noSkip).withWorkers(workers).withDelete(delete).withCleanup(cleanup)
                    .withAge(age).withMaxSize(maxSize == null ? -1 : maxSize).withCleanOutput(cleanOutput);
            if (zone != null) {
                o = o.withZone(ZoneId.of(zone));
            }
            if (pattern != null) {
                o = o.withPattern(ArchiveOptions.pattern(pattern));
            }
            if ((age != null || maxSize != null || cleanOutput) && !cleanup) {
                throw CliException.usage("--age, --max-size and --clean-output work with --cleanup; add --cleanup");
            }
            if (cleanup && age == null && maxSize == null) {
                throw CliException.usage("--cleanup needs --age (e.g. 30d) or --max-size (e.g. 500G), or both");
            }
            return o;
        } catch (DateTimeException e) {
            throw CliException.reworded("--zone " + zone + " is not a time zone; use e.g. Europe/Berlin, UTC or +01:00",
                    e);
        }
    }

    /** --delete and --cleanup remove files for good: ask on a terminal, refuse without one unless --no-confirm. */
    private void confirm(ArchivePlan plan) {
        if (!(delete || cleanup) || noConfirm) {
            return;
        }
        String what = (delete ? "--delete" : "") + (delete && cleanup ? " and " : "") + (cleanup ? "--cleanup" : "");
        java.io.Console console = System.console();
        if (console == null) {
            throw CliException.usage(what + (delete && cleanup ? " delete" : " deletes") + " files for good and there is no terminal to confirm on;"
                    + " add --no-confirm (e.g. in cron), or check first with --dry-run");
        }
        long deletes = plan.actions().filter(a -> a.action() == ArchiveActionType.DELETE).count();
        String answer = console.readLine("%s will delete up to %d files for good (see --dry-run). Continue? [y/N] ",
                what, deletes);
        if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
            throw CliException.usage("not confirmed; nothing changed");
        }
    }

    /**
     * The plan, written as it is produced through a 64 KiB buffer (the command's writer flushes on every line: one
     * write per action otherwise); actions are written field by field, not through a serializer per action.
     */
    private void printPlan(ArchivePlan plan, PrintWriter commandOut, ArchiveSignals signals)
            throws java.io.IOException {
        long[] counts = new long[ArchiveActionType.values().length];
        PrintWriter out = new PrintWriter(new java.io.BufferedWriter(commandOut, 1 << 16), false);
        if (json) {
            // one document, written as it is produced: the header pretty, then one action per line
            // UTF-8 bytes straight to stdout in 64 KiB writes when the process's stdout is the command's (Main)
            java.io.OutputStream raw = StdoutWriter.bytes(commandOut);
            java.io.OutputStream bytes = raw == null ? null : new java.io.BufferedOutputStream(raw, 1 << 16);
            JsonGenerator g = bytes != null ? Output.JSON.getFactory().createGenerator(bytes,
                    com.fasterxml.jackson.core.JsonEncoding.UTF8) : Output.JSON.getFactory().createGenerator(out);
            g.writeStartObject();
            g.writeRaw("\n  ");
            g.writeBooleanField("dry_run", true);
            g.writeRaw("\n  ");
            g.writeStringField("input", plan.input().toString());
            g.writeRaw("\n  ");
            g.writeStringField("output", plan.output().toString());
            g.writeRaw("\n  ");
            g.writeStringField("trash", plan.trash().toString());
            g.writeRaw("\n  ");
            g.writeFieldName("totals");
            Output.JSON.writeValue(g, plan.totals());
            g.writeRaw("\n  ");
            g.writeArrayFieldStart("actions");
            try (PlanAhead days = new PlanAhead(plan)) {
                while (days.hasNext()) {
                    for (ArchiveAction a : days.next().actions()) {
                        g.writeRaw("\n    ");
                        writeAction(g, a);
                        counts[a.action().ordinal()]++;
                    }
                    if (signals.received() > 0) {
                        break;
                    }
                }
            }
            g.writeRaw("\n  ");
            g.writeEndArray();
            g.writeRaw("\n  ");
            g.writeObjectField("counts", countsJson(counts));
            g.writeRaw("\n  ");
            g.writeBooleanField("interrupted", signals.received() > 0);
            g.writeRaw("\n");
            g.writeEndObject();
            if (bytes != null) {
                g.writeRaw(System.lineSeparator());
                g.flush();
                bytes.flush();
                return;
            }
            g.flush();
            out.println();
            out.flush();
            commandOut.flush();
            return;
        }
        ArchiveTotals t = plan.totals();
        out.printf(Locale.ROOT, "%s: %d recordings (%s), %d snapshots, %d archived outputs, %d in the trash,"
                + " %d unrecognised; %s in all%n", plan.input(), t.sources(), SizeConverter.format(t.sourceBytes()),
                t.snapshots(), t.outputs(), t.trashed(), t.unrecognised(), SizeConverter.format(t.totalBytes()));
        try (PlanAhead days = new PlanAhead(plan)) {
            while (days.hasNext()) {
                ArchiveDay day = days.next();
                out.println(day.date() == null ? "unrecognised:" : day.date() + ":");
                for (ArchiveAction a : day.actions()) {
                    out.print("  ");
                    out.println(a.describe());
                    counts[a.action().ordinal()]++;
                }
                if (signals.received() > 0) {
                    break;
                }
            }
        }
        out.println("dry run, nothing changed: " + countsJson(counts));
        out.flush();
        commandOut.flush();
    }

    /** {@code {"action", "path", "target", "reason", "bytes"}}: what {@link ArchiveAction}'s annotations say. */
    private static void writeAction(JsonGenerator g, ArchiveAction a) throws java.io.IOException {
        g.writeStartObject();
        g.writeStringField("action", a.action().label());
        g.writeStringField("path", a.path().toString());
        if (a.target() == null) {
            g.writeNullField("target");
        } else {
            g.writeStringField("target", a.target().toString());
        }
        if (a.reason() == null) {
            g.writeNullField("reason");
        } else {
            g.writeStringField("reason", a.reason());
        }
        g.writeNumberField("bytes", a.bytes());
        g.writeEndObject();
    }

    private static Map<String, Long> countsJson(long[] counts) {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (ArchiveActionType t : ArchiveActionType.values()) {
            m.put(t.label(), counts[t.ordinal()]);
        }
        return m;
    }

    private void printReport(ArchiveReport r, PrintWriter out) {
        if (json) {
            Output.printJson(out, r);
            return;
        }
        out.printf(Locale.ROOT, "%s: %d transcoded (%s -> %s), %d trashed, %d deleted (%s freed), %d skipped,"
                + " %d failed, %d empty folders removed in %.1f s%n", r.status().label(), r.transcoded(),
                SizeConverter.format(r.bytesIn()), SizeConverter.format(r.bytesOut()), r.trashed(), r.deleted(),
                SizeConverter.format(r.bytesFreed()), r.skipped(), r.failed(), r.foldersRemoved(), r.elapsedS());
        if (r.maxSize() >= 0) {
            out.printf(Locale.ROOT, "total %s, cap %s: %s%n", SizeConverter.format(r.totalBytes()),
                    SizeConverter.format(r.maxSize()), r.capMet() ? "met" : "NOT met (nothing more may be removed;"
                            + " raise --max-size or add --clean-output)");
        }
        for (ArchiveFailure f : r.failures()) {
            out.println("  failed " + f.action().label() + " " + f.path() + ": " + f.reason());
        }
        if (r.interrupted()) {
            out.println("interrupted: running transcodes stopped, their partial outputs removed, sources untouched;"
                    + " run again to continue");
        }
        out.flush();
    }

    /** Every option reads {@code STOWAGE_<OPTION>} (upper case, '-' to '_') when not given. */
    static final class EnvDefaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            if (arg instanceof CommandLine.Model.OptionSpec o && o.longestName().startsWith("--")) {
                String v = System.getenv("STOWAGE_" + o.longestName().substring(2).toUpperCase(Locale.ROOT)
                        .replace('-', '_'));
                if (v != null && !v.isBlank()) {
                    return v;
                }
            }
            return arg.defaultValue();
        }
    }
}
