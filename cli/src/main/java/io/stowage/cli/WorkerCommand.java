package io.stowage.cli;

import io.stowage.transcode.jobs.MailSettings;
import io.stowage.transcode.jobs.Notifier;
import io.stowage.transcode.jobs.TranscodeWorker;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code stowage worker transcode}: transcoding workers alone, to scale out. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Long-running workers.", ""},
        subcommands = {WorkerCommand.Transcode.class},
        footer = {"", "Examples:", "  stowage worker transcode --redis redis://127.0.0.1:6379 --bucket media --workers 2"})
final class WorkerCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code stowage worker transcode --redis URL --bucket B [...]}. */
    @Command(name = "transcode", mixinStandardHelpOptions = true,
            defaultValueProvider = ArchiveCommand.EnvDefaults.class,
            description = {"Run transcoding workers: take jobs from the Redis Stream, transcode them, upload the",
                "verified output, mail the owner. Runs until SIGTERM/SIGINT, then finishes or releases the running",
                "jobs (exit 143/130). Run as many processes as you like on the same Redis.",
                "Every option also reads STOWAGE_<OPTION>."},
            footer = {"", "Examples:",
                "  stowage worker transcode --redis redis://127.0.0.1:6379 --bucket media --workers 2",
                "  stowage worker transcode --redis redis://r:6379 --bucket media --smtp smtp://mail:25"
                    + " --mail-from transcode@example.com"})
    static final class Transcode implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        JobsCli.QueueOptions queue = new JobsCli.QueueOptions();

        @CommandLine.Mixin
        TranscodeCli.FfmpegOptions ffmpeg = new TranscodeCli.FfmpegOptions();

        @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
                description = "Worker threads in this process (default 1).")
        int workers;

        @Option(names = "--smtp", paramLabel = "URL", description = "SMTP server for notices, smtp://host:port.")
        String smtp;

        @Option(names = "--mail-from", paramLabel = "ADDR", description = "Sender address of notices.")
        String mailFrom;

        @Option(names = "--json", description = "Print a JSON summary when stopped.")
        boolean json;

        /** What a stopped worker prints. */
        record Summary(long finishedJobs, boolean interrupted) {
        }

        @Override
        public Integer call() throws Exception {
            if ((smtp == null) != (mailFrom == null)) {
                throw CliException.usage("--smtp and --mail-from go together; got smtp=" + smtp + ", mail-from="
                        + mailFrom);
            }
            Notifier notifier = smtp == null ? Notifier.none()
                    : Notifier.smtp(MailSettings.of(URI.create(smtp), mailFrom));
            CountDownLatch done = new CountDownLatch(1);
            try (S3Client s3 = queue.s3().newClient();
                 io.stowage.transcode.Transcoder t = ffmpeg.create(ffmpeg.config())) {
                TranscodeWorker w = TranscodeWorker.builder(queue.config()).s3(s3).transcoder(t).notifier(notifier)
                        .workers(workers).build();
                Thread hook = new Thread(() -> {
                    LoggerFactory.getLogger(WorkerCommand.class).warn("stopping: finishing or releasing running jobs");
                    w.close();
                    Summary s = new Summary(w.finishedJobs(), true);
                    if (json) {
                        Output.printJson(spec.commandLine().getOut(), s);
                    } else {
                        spec.commandLine().getOut().println("stopped after " + s.finishedJobs() + " job(s)");
                        spec.commandLine().getOut().flush();
                    }
                    done.countDown();
                });
                Runtime.getRuntime().addShutdownHook(hook);
                w.start();
                System.err.println("transcode worker: " + w.consumerNames() + " waiting for jobs (Ctrl-C stops)");
                w.awaitTermination(Duration.ofDays(3650));
                done.await();
            }
            return ExitCodes.OK;
        }
    }
}
