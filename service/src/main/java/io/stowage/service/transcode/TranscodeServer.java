package io.stowage.service.transcode;

import io.javalin.http.staticfiles.Location;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stowage.s3.S3Objects;
import io.stowage.service.HealthProbe;
import io.stowage.service.JwtTokens;
import io.stowage.service.OAuthProvider;
import io.stowage.service.ServiceBadRequestException;
import io.stowage.service.ServiceServer;
import io.stowage.service.WebAuth;
import io.stowage.transcode.Transcoder;
import io.stowage.transcode.jobs.Notifier;
import io.stowage.transcode.jobs.TranscodeJobsBackendException;
import io.stowage.transcode.jobs.TranscodeJobsConfig;
import io.stowage.transcode.jobs.TranscodeJobsInvalidEmailException;
import io.stowage.transcode.jobs.TranscodeJobsInvalidUserException;
import io.stowage.transcode.jobs.TranscodeJobsNotFoundException;
import io.stowage.transcode.jobs.TranscodeJobsNotMediaException;
import io.stowage.transcode.jobs.TranscodeJobsNotReadyException;
import io.stowage.transcode.jobs.TranscodeJobsTooLargeException;
import io.stowage.transcode.jobs.TranscodeJobsUnknownPresetException;
import io.stowage.transcode.jobs.TranscodeJobsUnsafeNameException;
import io.stowage.transcode.jobs.TranscodeService;
import io.stowage.transcode.jobs.TranscodeWorker;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code stowage serve transcode} as a library: the HTTP API ({@code POST /upload}, {@code GET /status/{job}},
 * {@code GET /jobs}, {@code GET /download/{job}}, {@code DELETE /jobs/{job}}, {@code GET /presets}), the web page
 * ({@code /}, local assets), sign-in ({@link WebAuth}), {@code /metrics} and {@code /health/*} (Redis, S3, ffmpeg),
 * over a {@link TranscodeService} and, optionally, {@link TranscodeWorker}s in the same process.
 *
 * <pre>{@code
 * try (TranscodeServer server = TranscodeServer.builder(TranscodeJobsConfig.defaults(redisUrl, "media"))
 *         .s3(s3Client).tokens(JwtTokens.fromKeyFile(keyFile, JwtSettings.defaults()))
 *         .workers(2).port(8080).start()) {
 *     System.out.println("open " + server.url());
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops HTTP first, then the workers (letting their jobs finish within the
 * configured grace), then the service.
 */
public final class TranscodeServer implements AutoCloseable {
    private final ServiceServer http;
    private final TranscodeService service;
    private final TranscodeWorker worker;
    private final Transcoder transcoder;
    private final boolean ownsTranscoder;
    private final WebAuth auth;
    private final URI publicUrl;
    /** Jetty's read size for request bodies (bytes). */
    static final int UPLOAD_READ = 64 * 1024;

    private TranscodeServer(Builder b) {
        Objects.requireNonNull(b.s3, "s3 client (Builder.s3) is required");
        Objects.requireNonNull(b.tokens, "tokens (Builder.tokens) are required");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.transcoder = b.transcoder != null ? b.transcoder : Transcoder.create();
        this.ownsTranscoder = b.transcoder == null;
        TranscodeService svc = null;
        TranscodeWorker w = null;
        ServiceServer started = null;
        try {
            svc = TranscodeService.builder(b.config).s3(b.s3).transcoder(transcoder).meterRegistry(registry).build();
            java.util.concurrent.atomic.AtomicReference<URI> bound = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.function.Supplier<URI> pub = () -> b.publicUrl != null ? b.publicUrl : bound.get();
            this.auth = WebAuth.create(b.tokens, b.providers, pub);
            TranscodeService service = svc;
            S3Objects objects = S3Objects.create(b.s3);
            TranscodeRoutes routes = new TranscodeRoutes(service, auth);
            this.http = ServiceServer.builder().host(b.host).port(b.port).registry(registry).jvmMetrics(true)
                    .maxThreads(b.httpThreads > 0 ? b.httpThreads : autoThreads())
                    .probe(HealthProbe.of("redis", service::queueStats))
                    .probe(HealthProbe.of("s3", () -> {
                        S3Objects.BucketStatus s = objects.checkBucket(b.config.bucket());
                        if (s != S3Objects.BucketStatus.EXISTS) {
                            throw new IllegalStateException("bucket " + b.config.bucket() + ": " + s);
                        }
                    }))
                    .probe(HealthProbe.of("ffmpeg", () -> {
                        if (!Files.isExecutable(transcoder.ffmpegPath())
                                || !Files.isExecutable(transcoder.ffprobePath())) {
                            throw new IllegalStateException("ffmpeg or ffprobe not executable: "
                                    + transcoder.ffmpegPath());
                        }
                    }))
                    .probeTimeout(b.probeTimeout)
                    .mapError(TranscodeJobsNotFoundException.class, 404)
                    .mapError(TranscodeJobsNotReadyException.class, 409)
                    .mapError(TranscodeJobsTooLargeException.class, 413)
                    .mapError(TranscodeJobsNotMediaException.class, 415)
                    .mapError(TranscodeJobsUnknownPresetException.class, 422)
                    .mapError(TranscodeJobsUnsafeNameException.class, 422)
                    .mapError(TranscodeJobsInvalidEmailException.class, 422)
                    .mapError(TranscodeJobsInvalidUserException.class, 400)
                    .mapError(TranscodeJobsBackendException.class, 503)
                    .routes(auth::routes)
                    .routes(routes::routes)
                    // uploads: the request body reaches the handler in reads of this size (Jetty's default 8 KiB
                    // made a 1 GiB upload 130,000 blocking reads, each a thread wake-up on a loaded machine)
                    .configure(c -> c.jetty.modifyHttpConfiguration(h -> h.setInputBufferSize(UPLOAD_READ)))
                    .configure(c -> c.staticFiles.add(s -> {
                        s.hostedPath = "/";
                        s.directory = "/stowage-web";
                        s.location = Location.CLASSPATH;
                        s.headers = java.util.Map.of("Cache-Control", "no-cache");
                    }))
                    .build();
            http.start();
            started = http;
            bound.set(URI.create(http.url()));
            this.publicUrl = pub.get();
            if (b.workers > 0) {
                Notifier n = b.notifier;
                // email links point at the service (/download/{job}), which works where the store is private
                Notifier linked = (job, link) -> n.notify(job, link.map(l -> URI.create(stripSlash(pub.get())
                        + "/download/" + job.id().value())));
                w = TranscodeWorker.builder(b.config).s3(b.s3).transcoder(transcoder).notifier(linked)
                        .metricsOf(svc).workers(b.workers).build().start();
            }
        } catch (RuntimeException e) {
            if (started != null) {
                started.close();
            }
            if (w != null) {
                w.close();
            }
            if (svc != null) {
                svc.close();
            }
            if (b.transcoder == null) {
                transcoder.close();
            }
            throw e;
        }
        this.service = svc;
        this.worker = w;
    }

    /**
     * 8 per core, at least 16: GET /status under 50 pollers on 2 cores served 1.5-2x the requests of Jetty's 250
     * threads with 16 (benchmarks/compare/serve-transcode.sh, NOTES-i21-service.md). Each upload in flight holds one.
     */
    static int autoThreads() {
        return Math.max(16, 8 * Runtime.getRuntime().availableProcessors());
    }

    private static String stripSlash(URI u) {
        String s = u.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** A builder over this configuration. */
    public static Builder builder(TranscodeJobsConfig config) {
        return new Builder(config);
    }

    /** The address to open. */
    public String url() {
        return http.url();
    }

    /** The address used in OAuth redirects and email links. */
    public URI publicUrl() {
        return publicUrl;
    }

    /** The bound port. */
    public int port() {
        return http.port();
    }

    /** The service behind the API. */
    public TranscodeService service() {
        return service;
    }

    /** The in-process workers, if any. */
    public Optional<TranscodeWorker> worker() {
        return Optional.ofNullable(worker);
    }

    /** The HTTP server (registry, health checks). */
    public ServiceServer http() {
        return http;
    }

    /** Whether the page offers local sign-in (no OAuth provider). */
    public boolean localSignIn() {
        return auth.localSignIn();
    }

    @Override
    public void close() {
        try {
            http.close();
        } finally {
            try {
                if (worker != null) {
                    worker.close();
                }
            } finally {
                try {
                    service.close();
                } finally {
                    if (ownsTranscoder) {
                        transcoder.close();
                    }
                }
            }
        }
    }

    /** Settings of a {@link TranscodeServer}. Not thread-safe; build once. */
    public static final class Builder {
        private final TranscodeJobsConfig config;
        private S3Client s3;
        private JwtTokens tokens;
        private List<OAuthProvider> providers = List.of();
        private URI publicUrl;
        private Transcoder transcoder;
        private Notifier notifier = Notifier.none();
        private int workers;
        private String host = "127.0.0.1";
        private int port = 8080;
        private int httpThreads;
        private Duration probeTimeout = Duration.ofSeconds(5);

        private Builder(TranscodeJobsConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The S3 client of the bucket (required; not closed by the server). */
        public Builder s3(S3Client s3) {
            this.s3 = Objects.requireNonNull(s3, "s3");
            return this;
        }

        /** The token issuer and verifier (required). */
        public Builder tokens(JwtTokens tokens) {
            this.tokens = Objects.requireNonNull(tokens, "tokens");
            return this;
        }

        /** The OAuth providers of the page's sign-in; none gives local sign-in for loopback clients. */
        public Builder providers(List<OAuthProvider> providers) {
            this.providers = List.copyOf(providers);
            return this;
        }

        /** Where browsers and email readers reach the service (default the bound address). */
        public Builder publicUrl(URI url) {
            this.publicUrl = url;
            return this;
        }

        /** A shared transcoder (not closed by the server); default one the server owns. */
        public Builder transcoder(Transcoder t) {
            this.transcoder = t;
            return this;
        }

        /** How finished jobs are announced; default none. */
        public Builder notifier(Notifier n) {
            this.notifier = Objects.requireNonNull(n, "notifier");
            return this;
        }

        /** Transcoding workers in this process (0: run {@code stowage worker transcode} elsewhere). */
        public Builder workers(int n) {
            if (n < 0 || n > 64) {
                throw new ServiceBadRequestException("--workers " + n + ": must be 0..64");
            }
            this.workers = n;
            return this;
        }

        /** The address to bind (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port (default 8080; 0 for any free one). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Jetty's most threads; 0 (default): 8 per core, at least 16. Each upload in flight holds one. */
        public Builder httpThreads(int n) {
            this.httpThreads = n;
            return this;
        }

        /** How long one health probe may take (default 5 s). */
        public Builder probeTimeout(Duration d) {
            this.probeTimeout = Objects.requireNonNull(d, "probeTimeout");
            return this;
        }

        /** Builds and starts: connects to Redis, starts workers, binds the port. */
        public TranscodeServer start() {
            return new TranscodeServer(this);
        }
    }
}
