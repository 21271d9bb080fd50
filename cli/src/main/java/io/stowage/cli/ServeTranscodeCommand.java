package io.stowage.cli;

import io.stowage.s3.EmbeddedS3;
import io.stowage.s3.S3Location;
import io.stowage.s3.S3Settings;
import io.stowage.service.JwtTokens;
import io.stowage.service.OAuthConfigFile;
import io.stowage.service.OAuthProvider;
import io.stowage.service.ServiceUnavailableException;
import io.stowage.service.transcode.TranscodeServer;
import io.stowage.transcode.jobs.MailSettings;
import io.stowage.transcode.jobs.Notifier;
import io.stowage.transcode.jobs.TranscodeJobsBackendException;
import io.stowage.transcode.jobs.TranscodeJobsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code stowage serve transcode}: the transcoding service. With Redis running and no other flag it serves on
 * 127.0.0.1:8080 with EmbeddedS3 in-process (under the state folder) and two workers in the same process.
 */
@Command(name = "transcode", mixinStandardHelpOptions = true,
        defaultValueProvider = ArchiveCommand.EnvDefaults.class,
        description = {"Serve the transcoding service: HTTP API (POST /upload, GET /status/{job}, GET /jobs,",
            "GET /download/{job}, DELETE /jobs/{job}), the web page, sign-in (OAuth or local), /metrics, /health.",
            "Without --endpoint it runs an S3 store in-process under --state-dir; workers run in this process",
            "unless --workers 0. Prints the URL to open. Stops cleanly on Ctrl-C or SIGTERM.",
            "Every flag also reads STOWAGE_<FLAG> (e.g. STOWAGE_JWT_KEY)."},
        footer = {"", "Examples:",
            "  stowage serve transcode",
            "  stowage serve transcode --port 8080 --workers 4 --redis redis://cache:6379 \\",
            "      --endpoint http://minio:9000 --bucket media --oauth-config oauth.json \\",
            "      --public-url https://transcode.example.com --smtp smtp://mail:25"})
final class ServeTranscodeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8080", description = "Port (default 8080; 0 any).")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to bind (default 127.0.0.1; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
            description = "Transcoding workers in this process (default 2; 0: run `stowage worker transcode`).")
    int workers;

    @Option(names = "--redis", paramLabel = "URL", defaultValue = "redis://127.0.0.1:6379",
            description = "Redis of jobs and queue (default redis://127.0.0.1:6379).")
    String redis;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "S3 endpoint (default: $STOWAGE_S3_ENDPOINT, else an in-process S3 store under "
                    + "--state-dir).")
    String endpoint;

    @Option(names = "--region", paramLabel = "REGION", description = "S3 signing region.")
    String region;

    @Option(names = "--bucket", paramLabel = "B", defaultValue = "transcode",
            description = "Bucket of raw inputs and outputs (default transcode).")
    String bucket;

    @CommandLine.Mixin
    JwtKeyOptions key;

    @Option(names = "--oauth-config", paramLabel = "FILE",
            description = "JSON file of OAuth providers (Google, GitHub, others); none: local sign-in, loopback only.")
    Path oauthConfig;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "Address users reach the service at, for OAuth redirects and email links.")
    URI publicUrl;

    @Option(names = "--smtp", paramLabel = "URL", description = "smtp://host:port for finish notices.")
    URI smtp;

    @Option(names = "--mail-from", paramLabel = "ADDR", defaultValue = "stowage@localhost",
            description = "Sender address of notices, as for `worker transcode` (default stowage@localhost).")
    String smtpFrom;

    @Option(names = "--max-upload", paramLabel = "SIZE", converter = SizeConverter.class, defaultValue = "4GiB",
            description = "Largest upload (default 4GiB); bigger ones get 413 while streaming.")
    long maxUpload;

    @Option(names = "--http-threads", paramLabel = "N", defaultValue = "0",
            description = "Most HTTP threads (default 0: 8 per core, at least 16); each upload in flight holds one.")
    int httpThreads;

    @Option(names = "--json", description = "Print the addresses as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw CliException.usage("--port " + port + " is outside 0..65535");
        }
        Path state = key.stateDir();
        JwtTokens tokens = key.tokens();
        List<OAuthProvider> providers = oauthConfig == null ? List.of() : OAuthConfigFile.read(oauthConfig);
        TranscodeJobsConfig config;
        try {
            config = TranscodeJobsConfig.defaults(redis, bucket).withMaxInputBytes(maxUpload);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        EmbeddedS3 embedded = null;
        S3Client s3;
        String store;
        if (endpoint == null && System.getenv("STOWAGE_S3_ENDPOINT") == null) {
            embedded = EmbeddedS3.builder().directory(state.resolve("s3")).bucket(bucket).start();
            s3 = embedded.newClient();
            store = embedded.endpoint() + " (in-process, " + embedded.directory() + ")";
        } else {
            S3Settings settings = S3Cli.settings("--endpoint", endpoint, region);
            s3 = settings.newClient();
            S3Cli.checkBucket(s3, S3Location.parse("s3://" + bucket + "/"), settings);
            store = String.valueOf(settings.endpoint());
        }
        Notifier notifier = smtp == null ? Notifier.none() : Notifier.smtp(MailSettings.of(smtp, smtpFrom));
        TranscodeServer server;
        try {
            server = TranscodeServer.builder(config).s3(s3).tokens(tokens).providers(providers).publicUrl(publicUrl)
                    .notifier(notifier).workers(workers).host(host).port(port).httpThreads(httpThreads).start();
        } catch (TranscodeJobsBackendException e) {
            close(s3, embedded);
            if ("redis".equalsIgnoreCase(e.backend())) {
                throw new ServiceUnavailableException("Redis at " + redis + " does not answer (" + e.reason()
                        + "): start it (`redis-server --port 6379 --daemonize yes`, or `docker run -p 6379:6379 "
                        + "redis:7`) or give --redis URL", e);
            }
            throw e;
        } catch (RuntimeException e) {
            close(s3, embedded);
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.printJson(out, new Serving(server.url(), server.publicUrl().toString(), store, workers,
                    server.localSignIn()));
        } else {
            out.println("open " + server.url());
            out.println("store: " + store + ", bucket " + bucket);
            out.println("workers: " + workers + (server.localSignIn() ? "; sign-in: local (loopback only)"
                    : "; sign-in: " + providers.stream().map(OAuthProvider::name).toList()));
            out.flush();
        }
        spec.commandLine().getErr().println("serving; Ctrl-C or SIGTERM stops");
        spec.commandLine().getErr().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        EmbeddedS3 e = embedded;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } finally {
                close(s3, e);
                stopped.countDown();
            }
        }, "stowage-serve-transcode-stop"));
        stopped.await();
        return ExitCodes.OK;
    }

    private static void close(S3Client s3, EmbeddedS3 embedded) {
        s3.close();
        if (embedded != null) {
            embedded.close();
        }
    }

    /** {@code --json}: where to go. */
    record Serving(String url, String publicUrl, String store, int workers, boolean localSignIn) {
    }
}
