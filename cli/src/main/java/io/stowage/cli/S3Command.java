package io.stowage.cli;

import io.stowage.s3.EmbeddedS3;
import io.stowage.s3.IncompleteUploads;
import io.stowage.s3.S3Location;
import io.stowage.s3.S3Settings;
import io.stowage.s3.TransferReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code stowage s3 ...}: a local S3 endpoint, and clean-up of stale multipart uploads. */
@Command(name = "s3", mixinStandardHelpOptions = true,
        description = "A local S3 endpoint (serve) and clean-up of stale multipart uploads (cleanup).",
        footer = {"", "Examples:",
            "  stowage s3 serve --dir ./store --port 9000 --bucket media",
            "  stowage s3 cleanup s3://media/day1 --older-than 1d --endpoint http://127.0.0.1:9000"},
        subcommands = {S3Command.Serve.class, S3Command.Cleanup.class})
final class S3Command implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Run an S3 endpoint in the foreground over a local folder (S3Proxy): each subfolder of",
                "DIR is a bucket. Any credentials are accepted unless --access-key/--secret-key are given.",
                "The first line printed is 'endpoint: http://HOST:PORT' (--json: one object with 'endpoint').",
                "Stops cleanly on Ctrl-C or SIGTERM."},
            footer = {"", "Example:",
                "  stowage s3 serve --dir ./store --port 9000 --bucket media &",
                "  stowage upload ./photos s3://media/day1 --endpoint http://127.0.0.1:9000"})
    static final class Serve implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR",
                description = "Folder holding the buckets (created if missing).")
        Path dir;

        @Option(names = "--port", paramLabel = "P", defaultValue = "0",
                description = "Port to listen on (default 0: a free port, printed).")
        int port;

        @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
                description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).")
        String host;

        @Option(names = "--bucket", paramLabel = "NAME", description = "Create this bucket if missing (repeatable).")
        List<String> buckets = new ArrayList<>();

        @Option(names = "--access-key", paramLabel = "KEY", description = "Require requests signed with this key.")
        String accessKey;

        @Option(names = "--secret-key", paramLabel = "SECRET", description = "The secret for --access-key.")
        String secretKey;

        @Option(names = "--json", description = "Print the endpoint as one JSON object.")
        boolean json;

        @Override
        public Integer call() throws InterruptedException {
            if ((accessKey == null) != (secretKey == null)) {
                throw CliException.usage("--access-key and --secret-key go together; give both or neither");
            }
            if (port < 0 || port > 65535) {
                throw CliException.usage("--port " + port + " is outside 0..65535");
            }
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw CliException.usage("--dir " + dir + " is not a folder");
            }
            EmbeddedS3.Builder b = EmbeddedS3.builder().directory(dir).host(host).port(port);
            try {
                buckets.forEach(b::bucket);
                if (accessKey != null) {
                    b.credentials(accessKey, secretKey);
                }
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
            EmbeddedS3 server = b.start();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Output.printJson(out, S3Json.Serve.of(server, accessKey != null));
            } else {
                out.println("endpoint: " + server.endpoint());
                out.println("dir: " + server.directory());
                out.println("buckets: " + String.join(", ", server.buckets()));
                out.println(accessKey != null ? "credentials: required (" + accessKey + ")"
                        : "credentials: any accepted");
                out.flush();
            }
            spec.commandLine().getErr().println("serving; Ctrl-C or SIGTERM stops");
            spec.commandLine().getErr().flush();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                System.err.println("stopped " + server.endpoint());
                stopped.countDown();
            }, "stowage-s3-serve-stop"));
            stopped.await();
            return ExitCodes.OK;
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = {"List and abort incomplete multipart uploads under s3://BUCKET/PREFIX started at least",
                "--older-than ago: the parts a crashed upload leaves behind (the store keeps and bills them).",
                "With --dry-run, only lists them."},
            footer = {"", "Examples:",
                "  stowage s3 cleanup s3://media/day1 --older-than 1d --endpoint http://127.0.0.1:9000",
                "  stowage s3 cleanup s3://media --older-than 12h --dry-run --json"})
    static final class Cleanup implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "s3://BUCKET/PREFIX", description = "Where to look.")
        String target;

        @Option(names = "--older-than", required = true, paramLabel = "D", converter = DurationConverter.class,
                description = "Only uploads started at least this long ago: 7d, 12h, 30m, 45s, 0, or ISO P1DT2H.")
        Duration olderThan;

        @Option(names = "--dry-run", description = "List only; abort nothing.")
        boolean dryRun;

        @CommandLine.Mixin
        S3Cli.EndpointOption endpoint;

        @Option(names = "--json", description = "Print the result as one JSON document.")
        boolean json;

        @Override
        public Integer call() {
            S3Location loc = S3Cli.location(target, "s3://BUCKET/PREFIX");
            if (olderThan.isNegative()) {
                throw CliException.usage("--older-than must not be negative");
            }
            S3Settings settings = endpoint.settings(4);
            try (S3Client s3 = settings.newClient()) {
                S3Cli.checkBucket(s3, loc, settings);
                IncompleteUploads stale = IncompleteUploads.of(s3, loc);
                List<IncompleteUploads.Upload> found = stale.list(olderThan);
                IncompleteUploads.Result r = dryRun ? new IncompleteUploads.Result(List.of(), List.of())
                        : stale.abort(found);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    Output.printJson(out, S3Json.Cleanup.of(loc, olderThan, dryRun, found, r));
                } else {
                    for (IncompleteUploads.Upload u : found) {
                        out.println((dryRun ? "stale: " : "aborted: ") + S3Cli.printable(loc.relative(u.key()))
                                + " (upload " + S3Cli.printable(u.uploadId()) + ", started " + u.initiated() + ")");
                    }
                    for (TransferReport.Failure f : r.failed()) {
                        out.println(S3Cli.failureLine(f));
                    }
                    out.println((dryRun ? "found " + found.size() : "aborted " + r.aborted().size() + " of "
                            + found.size()) + " incomplete multipart uploads under " + loc + " older than "
                            + olderThan);
                    out.flush();
                }
                return r.failed().isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
            }
        }
    }
}
