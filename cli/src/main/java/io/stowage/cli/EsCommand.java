package io.stowage.cli;

import io.stowage.es.EsCorruption;
import io.stowage.es.EsFailure;
import io.stowage.es.EsFetchListener;
import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsFetchReport;
import io.stowage.es.EsGap;
import io.stowage.es.EsSegment;
import io.stowage.es.EsSegmentStore;
import io.stowage.es.EsToTsParser;
import io.stowage.s3.S3Location;
import io.stowage.s3.S3Settings;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code stowage es ...}: camera recordings stored as ES segments. */
@Command(name = "es", mixinStandardHelpOptions = true,
        description = {"Camera recordings stored as ES segment files",
            "({PREFIX}/DDMMYYYY/HH/start-end.es): fetch downloads the segments of a",
            "time range in parallel and stitches one playable MPEG-TS."},
        footer = {"", "Example:",
            "  stowage es fetch --source s3://cams/cam-01 --from 2025-01-01T11:59:56Z --to 2025-01-01T12:00:16Z"
                + " -o clip.ts"},
        subcommands = {EsCommand.Fetch.class})
final class EsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Fetch the ES segments of [--from, --to) and stitch one MPEG-TS.",
                "Segments are read in parallel (S3) and written in time order to OUT.part,",
                "renamed to OUT when done. Corrupt records are skipped and reported; where",
                "data is missing, continuity is marked so players see no errors.",
                "Exit 0 complete, 3 written with gaps or corruption, 1 nothing in range",
                "(no output), 2 bad arguments."},
            footer = {"", "Examples:",
                "  stowage es fetch --source s3://cams/cam-01 --from 2025-01-01T11:59:56Z --to 2025-01-01T12:00:16Z"
                    + " -o clip.ts",
                "  stowage es fetch --source /recordings/cam-01 --from 1735732796 --to 1735732816 --trim -o clip.ts"
                    + " --json",
                "  stowage es fetch --source s3://cams/cam-01 --from 2025-01-01T12:00:00Z --to 2025-01-01T13:00:00Z"
                    + " -o - | ffplay -"})
    static final class Fetch implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--source", required = true, paramLabel = "DIR|s3://BUCKET/PREFIX",
                description = "A local folder or an S3 prefix holding DDMMYYYY/HH/start-end.es segments.")
        String source;
        @Option(names = "--from", required = true, paramLabel = "T", converter = TimeConverter.class,
                description = "Start, inclusive: ISO-8601 instant or Unix epoch seconds.")
        Instant from;
        @Option(names = "--to", required = true, paramLabel = "T", converter = TimeConverter.class,
                description = "End, exclusive: ISO-8601 instant or Unix epoch seconds.")
        Instant to;
        @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.ts|-",
                description = "Output file, or - to stream to stdout as segments arrive (the report then goes to"
                        + " stderr).")
        String output;
        @Option(names = "--trim", description = "Drop records outside [from, to); start at a PAT/PMT and the last"
                + " keyframe at or before --from. Without it whole segments are written.")
        boolean trim;
        @Option(names = "--resume", description = "Continue an interrupted fetch from OUT.part (verified prefix).")
        boolean resume;
        @Option(names = "--force", description = "Replace OUT if it exists.")
        boolean force;
        @Option(names = "--workers", paramLabel = "N", defaultValue = "8",
                description = "Parallel downloads (default: ${DEFAULT-VALUE}).")
        int workers;
        @Option(names = "--segment-duration", paramLabel = "S", defaultValue = "4", converter = DurationConverter.class,
                description = "Recorder segment length in seconds, to compute keys (default: ${DEFAULT-VALUE}).")
        Duration segmentDuration;
        @Option(names = "--listing", description = "List the hour folders instead of computing keys (recorders with"
                + " other segment lengths).")
        boolean listing;
        @Option(names = "--max-range", paramLabel = "DURATION", defaultValue = "24h",
                converter = DurationConverter.class,
                description = "Longest accepted range (default: ${DEFAULT-VALUE}).")
        Duration maxRange;
        @Option(names = "--max-record-size", paramLabel = "SIZE", converter = SizeConverter.class,
                defaultValue = "1MiB", description = "Largest accepted record payload (default: ${DEFAULT-VALUE}).")
        long maxRecordSize;
        @Option(names = "--start-code", paramLabel = "BYTE",
                description = "Require this record start code, e.g. 0xA5 (default: any, like the reference).")
        String startCode;
        @Option(names = "--endpoint", paramLabel = "URL",
                description = "S3 endpoint for a non-AWS store (default: $STOWAGE_S3_ENDPOINT, else AWS).")
        String endpoint;
        @Option(names = "--json", description = "Print the report as one JSON document.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Instant f = from;
            Instant t = to;
            if (!f.isBefore(t)) {
                throw CliException.usage("--from " + f + " must be before --to " + t + " (the range is [from, to))");
            }
            EsFetchOptions o;
            try {
                o = EsFetchOptions.defaults().withWorkers(workers)
                        .withSegmentDuration(segmentDuration).withListing(listing).withTrim(trim)
                        .withMaxRange(maxRange)
                        .withMaxRecordSize((int) Math.min(Integer.MAX_VALUE, maxRecordSize))
                        .withOverwrite(force && !resume).withResume(resume);
                if (startCode != null) {
                    o = o.withStartCode(Integer.decode(startCode.trim()));
                }
            } catch (NumberFormatException e) {
                throw CliException.usage("--start-code '" + startCode + "' is not a number; use e.g. 0xA5 or 165");
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
            if (force && resume) {
                throw CliException.usage("--force and --resume exclude each other: --resume keeps OUT.part, --force"
                        + " starts again");
            }
            boolean toStdout = output.equals("-");
            if (toStdout && (resume || force)) {
                throw CliException.usage("--resume and --force apply to an output file, not to -o - (stdout)");
            }
            PrintWriter report = toStdout ? spec.commandLine().getErr() : spec.commandLine().getOut();

            S3Client client = null;
            EsSegmentStore store;
            try {
                if (source.startsWith("s3://")) {
                    S3Location loc;
                    S3Settings settings;
                    try {
                        loc = S3Location.parse(source);
                        settings = S3Settings.fromEndpointOrEnvironment(endpoint);
                    } catch (IllegalArgumentException e) {
                        throw CliException.usage(e.getMessage());
                    }
                    client = settings.withMaxConnections(Math.max(workers * 2, 16)).newClient();
                    store = EsSegmentStore.s3(client, loc.bucket(), loc.prefix());
                } else {
                    Path dir = Path.of(source);
                    if (!Files.isDirectory(dir)) {
                        throw CliException.usage("--source " + source + " is neither an s3:// URL nor an existing"
                                + " folder");
                    }
                    store = EsSegmentStore.directory(dir);
                }
                EsFetchReport r;
                try (Bar bar = Bar.start(json, toStdout)) {
                    EsToTsParser parser = EsToTsParser.create(store, o.withListener(bar));
                    if (toStdout) {
                        OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out),
                                1 << 20);
                        r = parser.fetch(f, t, stdout);
                        stdout.flush();
                    } else {
                        r = parser.fetch(f, t, Path.of(output));
                    }
                }
                if (json) {
                    Output.printJson(report, EsJson.Fetch.of(r));
                } else {
                    printHuman(report, r);
                }
                return r.complete() ? ExitCodes.OK : ExitCodes.PARTIAL;
            } finally {
                if (client != null) {
                    client.close();
                }
            }
        }
    }

    static void printHuman(PrintWriter o, EsFetchReport r) {
        o.printf("%s: %d records, %s from %d segments read (%d in range) in %.2f s (%s)%n", r.output(), r.records(),
                SizeConverter.format(r.bytesWritten()), r.segmentsFetched(), r.segmentsExpected(), r.durationS(),
                r.complete() ? "complete" : "INCOMPLETE");
        if (r.actualStart() != null) {
            o.printf("  covers %s .. %s (requested %s .. %s)%n", r.actualStart(), r.actualEnd(), r.from(), r.to());
        }
        if (r.segmentsResumed() > 0) {
            o.printf("  resumed after %d segments already written%n", r.segmentsResumed());
        }
        for (String k : r.missing()) {
            o.printf("  missing  %s%n", k);
        }
        for (EsFailure x : r.failed()) {
            o.printf("  failed   %s after %d attempts: %s%n", x.key(), x.attempts(), x.reason());
        }
        for (EsCorruption c : r.corrupt()) {
            o.printf("  corrupt  %s at %d (%d bytes): %s%n", c.key(), c.offset(), c.length(), c.reason());
        }
        for (EsGap g : r.gaps()) {
            o.printf("  gap      %s .. %s (%s)%n", g.from(), g.to(), g.reason());
        }
        if (r.discontinuitiesMarked() > 0) {
            o.printf("  %d continuity discontinuities marked for players%n", r.discontinuitiesMarked());
        }
        o.flush();
    }

    /** Progress bar over segments with the bytes written, on a terminal only. */
    static final class Bar implements EsFetchListener, AutoCloseable {
        private final ProgressBar bar;

        private Bar(ProgressBar bar) {
            this.bar = bar;
        }

        static Bar start(boolean json, boolean toStdout) {
            if (json || System.console() == null) {
                return new Bar(null);
            }
            return new Bar(new ProgressBarBuilder().setTaskName("es fetch").setInitialMax(0)
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" seg", 1).showSpeed()
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build());
        }

        @Override
        public void onPlan(int segments, int resumed) {
            if (bar != null) {
                bar.maxHint(segments);
                bar.stepTo(resumed);
            }
        }

        @Override
        public void onSegment(EsSegment segment, long bytesSoFar) {
            if (bar != null) {
                bar.step();
                bar.setExtraMessage(SizeConverter.format(bytesSoFar));
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
