package io.stowage.cli;

import io.stowage.es.EsCorruption;
import io.stowage.es.EsFailure;
import io.stowage.es.EsFetchListener;
import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsFetchReport;
import io.stowage.es.EsFetchStoppedException;
import io.stowage.es.EsOutputIoException;
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
import java.util.concurrent.atomic.AtomicBoolean;

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
    /** Exit code of a fetch stopped by SIGINT; on a signal the JVM itself exits 130 (SIGINT) or 143 (SIGTERM). */
    static final int STOPPED = 130;

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

        @Option(names = "--config", paramLabel = "FILE.json",
                description = "JSON configuration of the existing ES downloader (bucket, prefix, region, endpoint,"
                        + " start_time, end_time, output, workers, retries, trim); flags override it.")
        Path config;
        @Option(names = "--source", paramLabel = "DIR|s3://BUCKET/PREFIX",
                description = "A local folder or an S3 prefix holding DDMMYYYY/HH/start-end.es segments"
                        + " (required unless --config gives a bucket).")
        String source;
        @Option(names = "--from", paramLabel = "T", converter = EsTimeConverter.class,
                description = "Start, inclusive: ISO-8601 instant or Unix epoch seconds.")
        Instant from;
        @Option(names = "--to", paramLabel = "T", converter = EsTimeConverter.class,
                description = "End, exclusive: ISO-8601 instant or Unix epoch seconds.")
        Instant to;
        @Option(names = "--region", paramLabel = "REGION",
                description = "AWS region of the bucket (default: $AWS_REGION, else us-east-1).")
        String region;
        @Option(names = "--retries", paramLabel = "N",
                description = "Retries per segment after the first attempt (default: 3).")
        Integer retries;
        @Option(names = "--max-reported", paramLabel = "N", defaultValue = "1000",
                description = "Entries listed per report list (missing, failed, corrupt); all are counted"
                        + " (default: ${DEFAULT-VALUE}).")
        int maxReported;
        @Option(names = "--checkpoint-interval", paramLabel = "DURATION", defaultValue = "1s",
                converter = DurationConverter.class,
                description = "How often the resume state of OUT.part is saved; 0 after every segment (default:"
                        + " ${DEFAULT-VALUE}).")
        Duration checkpointInterval;
        @Option(names = {"-o", "--output"}, paramLabel = "OUT.ts|-",
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

        private boolean given(String option) {
            return spec.commandLine().getParseResult() != null
                    && spec.commandLine().getParseResult().hasMatchedOption(option);
        }

        /** Outcome of a fetch: its report, and whether it was stopped by a signal. */
        private record Outcome(EsFetchReport report, boolean stopped) {
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            EsFetchConfig c = config == null ? EsFetchConfig.NONE : EsFetchConfig.read(config, err);
            String src = source != null ? source : c.source();
            Instant f = from != null ? from : c.startTime();
            Instant t = to != null ? to : c.endTime();
            String out = output != null ? output : c.output();
            String ep = endpoint != null ? endpoint : c.endpoint();
            String reg = region != null ? region : c.region();
            int w = given("--workers") || c.workers() == null ? workers : c.workers();
            boolean tr = trim || (!given("--trim") && Boolean.TRUE.equals(c.trim()));
            Integer rt = retries != null ? retries : c.retries();
            if (src == null || f == null || t == null || out == null) {
                throw CliException.usage("--source, --from, --to and -o are required (or bucket, start_time,"
                        + " end_time and output in --config)");
            }
            if (!f.isBefore(t)) {
                throw CliException.usage("--from " + f + " must be before --to " + t + " (the range is [from, to))");
            }
            AtomicBoolean stop = new AtomicBoolean();
            EsFetchOptions o;
            try {
                o = EsFetchOptions.defaults().withWorkers(w)
                        .withSegmentDuration(segmentDuration).withListing(listing).withTrim(tr)
                        .withMaxRange(maxRange)
                        .withMaxRecordSize((int) Math.min(Integer.MAX_VALUE, maxRecordSize))
                        .withOverwrite(force && !resume).withResume(resume).withMaxReported(maxReported)
                        .withCheckpointInterval(checkpointInterval).withStopRequested(stop::get);
                if (rt != null) {
                    if (rt < 0 || rt > 19) {
                        throw CliException.usage("retries " + rt + " is outside 0..19");
                    }
                    o = o.withRetries(rt + 1, o.retryDelay());
                }
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
            boolean toStdout = out.equals("-");
            if (toStdout && (resume || force)) {
                throw CliException.usage("--resume and --force apply to an output file, not to -o - (stdout)");
            }
            PrintWriter report = toStdout ? err : spec.commandLine().getOut();

            S3Client client = null;
            EsSegmentStore store;
            try {
                if (src.startsWith("s3://")) {
                    S3Location loc;
                    S3Settings settings;
                    try {
                        loc = S3Location.parse(src);
                        settings = S3Settings.fromEndpointOrEnvironment(ep);
                        if (reg != null) {
                            settings = settings.withRegion(reg);
                        }
                        if (c.accessKeyId() != null) {
                            settings = settings.withCredentials(c.accessKeyId(), c.secretAccessKey());
                        }
                    } catch (IllegalArgumentException e) {
                        throw CliException.usage(e.getMessage());
                    }
                    client = settings.withMaxConnections(Math.max(w * 2, 16)).newClient();
                    store = EsSegmentStore.s3(client, loc.bucket(), loc.prefix());
                } else {
                    if (region != null || endpoint != null) {
                        throw CliException.usage("--region and --endpoint apply to an s3:// source, not to the"
                                + " folder " + src);
                    }
                    Path dir = Path.of(src);
                    if (!Files.isDirectory(dir)) {
                        throw CliException.usage("--source " + src + " is neither an s3:// URL nor an existing"
                                + " folder");
                    }
                    store = EsSegmentStore.directory(dir);
                }
                Outcome r;
                try (Bar bar = Bar.start(json, toStdout)) {
                    EsToTsParser parser = EsToTsParser.create(store, o.withListener(bar));
                    r = S3Cli.withInterrupt(() -> stop.set(true), () -> {
                        try {
                            if (toStdout) {
                                OutputStream stdout = new BufferedOutputStream(
                                        new FileOutputStream(FileDescriptor.out), 1 << 20);
                                EsFetchReport x = parser.fetch(f, t, stdout);
                                flush(stdout);
                                return new Outcome(x, false);
                            }
                            return new Outcome(parser.fetch(f, t, Path.of(out)), false);
                        } catch (EsFetchStoppedException e) {
                            return new Outcome(e.report(), true);
                        }
                    }, x -> {
                        if (json) {
                            Output.printJson(report, EsJson.Fetch.of(x.report()));
                        } else {
                            printHuman(report, x.report());
                        }
                        if (x.stopped()) {
                            err.println("stopped by a signal after " + x.report().segmentsFetched() + " segments"
                                    + (toStdout ? "" : "; " + out + ".part is kept: run the same command with"
                                    + " --resume to continue"));
                            err.flush();
                        }
                    });
                }
                if (r.stopped()) {
                    return STOPPED;
                }
                return r.report().complete() ? ExitCodes.OK : ExitCodes.PARTIAL;
            } finally {
                if (client != null) {
                    client.close();
                }
            }
        }

        private static void flush(OutputStream o) {
            try {
                o.flush();
            } catch (java.io.IOException e) {
                throw new EsOutputIoException(null, "flushing stdout failed: " + e, e);
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
            o.printf("  missing  %s%n", EsFetchConfig.safe(k));
        }
        more(o, r.missingCount(), r.missing().size(), "missing segments");
        for (EsFailure x : r.failed()) {
            o.printf("  failed   %s after %d attempts: %s%n", EsFetchConfig.safe(x.key()), x.attempts(),
                    EsFetchConfig.safe(x.reason()));
        }
        more(o, r.failedCount(), r.failed().size(), "failed segments");
        for (EsCorruption c : r.corrupt()) {
            o.printf("  corrupt  %s at %d (%d bytes): %s%n", EsFetchConfig.safe(c.key()), c.offset(), c.length(),
                    c.reason());
        }
        more(o, r.corruptCount(), r.corrupt().size(), "corrupt ranges");
        for (EsGap g : r.gaps()) {
            o.printf("  gap      %s .. %s (%s)%n", g.from(), g.to(), g.reason());
        }
        if (r.discontinuitiesMarked() > 0) {
            o.printf("  %d continuity discontinuities marked for players%n", r.discontinuitiesMarked());
        }
        o.flush();
    }

    private static void more(PrintWriter o, long count, int shown, String what) {
        if (count > shown) {
            o.printf("  ... and %d more %s (%d in all; --max-reported lists more)%n", count - shown, what, count);
        }
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
        public void onIgnored(String key, String reason) {
            System.err.println("ignored " + EsFetchConfig.safe(key) + ": not a segment (" + reason + ")");
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
