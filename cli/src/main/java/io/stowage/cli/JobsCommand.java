package io.stowage.cli;

import io.stowage.transcode.jobs.JobId;
import io.stowage.transcode.jobs.JobPage;
import io.stowage.transcode.jobs.JobState;
import io.stowage.transcode.jobs.JobView;
import io.stowage.transcode.jobs.TranscodeService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code stowage jobs submit|status|list|cancel}: the transcoding queue from scripts, without HTTP. */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = {"The transcoding queue from scripts: submit a file, watch a job, list a user's jobs, cancel.",
            "",
            "Workers (stowage worker transcode) do the transcoding. Every option also reads STOWAGE_<OPTION>."},
        subcommands = {JobsCommand.Submit.class, JobsCommand.Status.class, JobsCommand.ListJobs.class,
            JobsCommand.Cancel.class},
        footer = {"", "Examples:",
            "  stowage jobs submit clip.mov --user alice --preset web-mp4 --redis redis://127.0.0.1:6379 --bucket media",
            "  stowage jobs status 01a2431... --user alice --json",
            "  stowage jobs list --user alice"})
final class JobsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Shared by the subcommands: the options, opening the service, printing. */
    abstract static class Base implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        JobsCli.QueueOptions queue = new JobsCli.QueueOptions();

        @CommandLine.Mixin
        TranscodeCli.FfmpegOptions ffmpeg = new TranscodeCli.FfmpegOptions();

        @Option(names = "--user", paramLabel = "USER", required = true, description = "The job owner ($STOWAGE_USER).")
        String user;

        @Option(names = "--json", description = "Print one JSON document (snake_case).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (S3Client s3 = queue.s3().newClient();
                 io.stowage.transcode.Transcoder t = ffmpeg.create(ffmpeg.config());
                 TranscodeService service = TranscodeService.builder(queue.config()).s3(s3).transcoder(t).build()) {
                return run(service, spec.commandLine().getOut());
            }
        }

        abstract int run(TranscodeService service, PrintWriter out) throws Exception;

        void print(PrintWriter out, TranscodeService service, JobView v) {
            URI link = v.state() == JobState.COMPLETED ? service.downloadUrl(user, v.id()) : null;
            if (json) {
                Output.printJson(out, JobsCli.JobJson.of(v, link));
            } else {
                out.println(JobsCli.line(v));
                if (link != null) {
                    out.println("download: " + link);
                }
                out.flush();
            }
        }
    }

    @Command(name = "submit", mixinStandardHelpOptions = true, defaultValueProvider = ArchiveCommand.EnvDefaults.class,
            description = {"Upload FILE to S3 (raw/USER/JOB/NAME), check that it is media, and queue it.",
                "Prints the job as stored (PENDING, or PROCESSING when a worker was quick). Exit 2 for an unknown preset, a bad user, name or address; 1 when the",
                "file is not media, too large, or Redis/S3 fail."},
            footer = {"", "Examples:", "  stowage jobs submit clip.mov --user alice --preset web-mp4 --email alice@example.com --redis redis://127.0.0.1:6379 --bucket media"})
    static final class Submit extends Base {
        @Parameters(index = "0", paramLabel = "FILE", description = "The media file.")
        Path file;

        @Option(names = "--preset", paramLabel = "PRESET", required = true, description = "Preset (stowage presets).")
        String preset;

        @Option(names = "--email", paramLabel = "ADDR", description = "Mail the result to this address.")
        String email;

        @Option(names = "--name", paramLabel = "NAME", description = "File name to record (default: FILE's name).")
        String name;

        @Override
        int run(TranscodeService service, PrintWriter out) {
            String n = name != null ? name : file.getFileName().toString();
            JobView v = service.submit(user, file, n, preset, Optional.ofNullable(email));
            print(out, service, v);
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, defaultValueProvider = ArchiveCommand.EnvDefaults.class,
            description = {"Show one job (and its download link once COMPLETED). Exit 1 when USER has no such job."},
            footer = {"", "Examples:", "  stowage jobs status 01a2433a34b95795c9578f01 --user alice --json --redis redis://127.0.0.1:6379 --bucket media"})
    static final class Status extends Base {
        @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
        String job;

        @Override
        int run(TranscodeService service, PrintWriter out) {
            print(out, service, service.status(user, JobId.parse(user, job)));
            return ExitCodes.OK;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, defaultValueProvider = ArchiveCommand.EnvDefaults.class,
            description = {"Cancel a job: a queued job at once, a running one within a second (its worker stops",
                "ffmpeg). Waits up to --wait for a running job to stop, then prints the job (CANCELLED, or the",
                "state it ended in when it finished first). Exit 1 when USER has no such job."},
            footer = {"", "Examples:", "  stowage jobs cancel 01a2433a34b95795c9578f01 --user alice --redis redis://127.0.0.1:6379 --bucket media"})
    static final class Cancel extends Base {
        @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
        String job;

        @Option(names = "--wait", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "10s",
                description = "How long to wait for a running job's worker to stop it (default: ${DEFAULT-VALUE};"
                        + " 0s: do not wait).")
        java.time.Duration wait;

        @Override
        int run(TranscodeService service, PrintWriter out) throws Exception {
            JobId id = JobId.parse(user, job);
            JobView view = service.cancel(user, id);
            long deadline = System.nanoTime() + wait.toNanos();
            while (!view.state().isFinal() && System.nanoTime() < deadline) {
                Thread.sleep(100);
                view = service.status(user, id);
            }
            print(out, service, view);
            if (!view.state().isFinal()) {
                spec.commandLine().getErr().println("cancel requested; the job's worker stops it when it next checks (stowage jobs status "
                        + job + " --user " + user + ")");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, defaultValueProvider = ArchiveCommand.EnvDefaults.class,
            description = {"List USER's jobs, newest first."},
            footer = {"", "Examples:", "  stowage jobs list --user alice --page 0 --size 20 --json --redis redis://127.0.0.1:6379 --bucket media"})
    static final class ListJobs extends Base {
        @Option(names = "--page", paramLabel = "N", defaultValue = "0", description = "Page, from 0 (default 0).")
        int page;

        @Option(names = "--size", paramLabel = "N", defaultValue = "50", description = "Page size, 1-1000 (default 50).")
        int size;

        /** The page as JSON. */
        record PageJson(List<JobsCli.JobJson> jobs, int page, int size, long total) {
        }

        @Override
        int run(TranscodeService service, PrintWriter out) {
            JobPage p = service.history(user, page, size);
            if (json) {
                Output.printJson(out, new PageJson(p.jobs().stream().map(v -> JobsCli.JobJson.of(v, null)).toList(),
                        p.page(), p.size(), p.total()));
            } else {
                p.jobs().forEach(v -> out.println(JobsCli.line(v)));
                out.println(p.jobs().size() + " of " + p.total() + " job(s)");
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
