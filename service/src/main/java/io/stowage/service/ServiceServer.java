package io.stowage.service;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stowage.service.internal.Json;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one way the services start an HTTP server (Javalin 7 on Jetty 12): the port, the error mapping (every exception
 * becomes a JSON {@code {"error":{"type","message"}}} with its status; a {@link ServiceException} carries its own,
 * library exceptions are mapped with {@link Builder#mapError}, anything else is a logged 500), {@code GET /metrics}
 * (Prometheus text from a {@link PrometheusMeterRegistry}, with request timers {@code http_server_requests_seconds}
 * by method, route and status), {@code GET /health/live} and {@code GET /health/ready} (the {@link HealthProbe}s run
 * in parallel, each bounded by a timeout). {@code serve transcode} and {@code serve des} add their routes.
 *
 * <pre>{@code
 * try (ServiceServer server = ServiceServer.builder()
 *         .port(8080)
 *         .probe(HealthProbe.of("redis", () -> redis.ping()))
 *         .mapError(TranscodeUnknownPresetException.class, 422)
 *         .routes(r -> r.get("/hello", ctx -> ctx.result("hi")))
 *         .start()) {
 *     System.out.println("serving on " + server.url());
 * }
 * }</pre>
 *
 * <p>Thread-safe: requests are served concurrently by Jetty's thread pool; {@link #close()} stops the server.
 */
public final class ServiceServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceServer.class);
    private static final String HANDLED = "stowage.error.handled";
    /** The content type of Prometheus' text format 0.0.4. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Javalin app;
    private final PrometheusMeterRegistry registry;
    private final HealthChecks health;
    /** The request timers, found once: registering per request (a Meter.Id with sorted tags) cost a lookup each. */
    private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final String host;
    private volatile int port;

    private ServiceServer(Builder b) {
        this.registry = b.registry != null ? b.registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (b.registry == null || b.jvmMetrics) {
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new JvmGcMetrics().bindTo(registry);
        }
        this.health = HealthChecks.create(b.probes, b.probeTimeout);
        this.host = b.host;
        this.port = b.port;
        ErrorFormat errors = b.errorFormat;
        HealthFormat healthFormat = b.healthFormat;
        Map<Class<? extends Exception>, Integer> mapped = new LinkedHashMap<>(b.mapped);
        List<Consumer<RoutesConfig>> routes = List.copyOf(b.routes);
        List<Consumer<JavalinConfig>> configurers = List.copyOf(b.configurers);
        this.app = Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.startup.showJavalinBanner = false;
            config.jetty.host = b.host;
            config.jetty.port = b.port;
            if (b.maxThreads > 0) {
                QueuedThreadPool pool = new QueuedThreadPool(b.maxThreads, Math.min(8, b.maxThreads), 60_000);
                pool.setName("JettyServerThreadPool");
                config.jetty.threadPool = pool;
            }
            config.requestLogger.http((ctx, ms) -> record(ctx, ms));
            config.routes.exception(Exception.class, (e, ctx) -> handle(e, ctx, mapped, errors));
            for (int status : new int[] {404, 405}) {
                config.routes.error(status, "*", ctx -> {
                    if (ctx.attribute(HANDLED) == null) {
                        String type = status == 404 ? "ServiceNotFoundException" : "ServiceMethodNotAllowed";
                        String message = status == 404 ? "no endpoint " + ctx.method() + " " + ctx.path()
                                : "method " + ctx.method() + " not allowed on " + ctx.path();
                        ctx.status(status).json(errors.body(status, type, message));
                    }
                });
            }
            config.routes.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_CONTENT_TYPE).result(registry.scrape()));
            config.routes.get("/health/live", ctx -> answer(ctx, healthFormat.live(health.uptime())));
            config.routes.get("/health/ready", ctx -> answer(ctx, healthFormat.ready(health.check())));
            for (Consumer<RoutesConfig> r : routes) {
                r.accept(config.routes);
            }
            for (Consumer<JavalinConfig> c : configurers) {
                c.accept(config);
            }
        });
    }

    /** A builder with port 8080 on 127.0.0.1, a fresh Prometheus registry and no probes. */
    public static Builder builder() {
        return new Builder();
    }

    private static void answer(Context ctx, HealthFormat.Answer a) {
        ctx.status(a.status()).json(a.body());
    }

    private void record(Context ctx, Float ms) {
        String route;
        try {
            route = ctx.endpoint().path;
        } catch (RuntimeException e) {
            route = "UNMATCHED";
        }
        if (ctx.status().getCode() == 404 && ctx.attribute(HANDLED) == null) {
            route = "UNMATCHED"; // never one time series per scanned URL
        }
        timers.computeIfAbsent(new TimerKey(ctx.method().name(), route, ctx.status().getCode()),
                k -> requestTimer(registry, k.method(), k.uri(), k.status()))
                .record((long) (ms * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    /**
     * The request timer {@code http_server_requests_seconds{method,uri,status}} the server records every answer in,
     * for a handler that serves ahead of Javalin ({@code serve des}'s /files) and records its own answers alike.
     */
    public static Timer requestTimer(MeterRegistry registry, String method, String route, int status) {
        return Timer.builder("http.server.requests")
                .description("HTTP requests served, by method, route and status")
                .tag("method", method)
                .tag("uri", route)
                .tag("status", Integer.toString(status))
                .register(registry);
    }

    /** One request timer's tags; bounded: methods, route templates (or UNMATCHED) and status codes. */
    private record TimerKey(String method, String uri, int status) {
    }

    private static void handle(Exception e, Context ctx, Map<Class<? extends Exception>, Integer> mapped,
                               ErrorFormat errors) {
        Failure f = failure(e, mapped, ctx.method().name(), ctx.path());
        ctx.attribute(HANDLED, Boolean.TRUE);
        ctx.status(f.status()).json(errors.body(f.status(), f.type(), f.message()));
    }

    /**
     * What the error mapping answers for an exception: its status, the error's type and message.
     *
     * @param status  HTTP status
     * @param type    the error's type ({@code ServiceInternalError} for an unmapped exception)
     * @param message what went wrong, for the client (an unmapped exception's own message stays in the log)
     */
    public record Failure(int status, String type, String message) {}

    /**
     * The answer the server's error mapping gives {@code e} (a {@link ServiceException} its own status, a type in
     * {@code mapped} (checked in order) its status, anything else a 500 whose message points to the log), logged as
     * the mapping logs it: the exception of a 500, a warning for a 5xx {@link ServiceException}. For handlers that
     * serve ahead of Javalin ({@code serve des}'s /files) and must answer failures as the routes do.
     */
    public static Failure failure(Exception e, Map<Class<? extends Exception>, Integer> mapped, String method,
                                  String path) {
        int status;
        String type = e.getClass().getSimpleName();
        String message = e.getMessage() == null ? type : e.getMessage();
        if (e instanceof ServiceException se) {
            status = se.status();
        } else if (e instanceof HttpResponseException he) {
            status = he.getStatus();
        } else {
            Integer m = null;
            for (Map.Entry<Class<? extends Exception>, Integer> row : mapped.entrySet()) {
                if (row.getKey().isInstance(e)) {
                    m = row.getValue();
                    break;
                }
            }
            if (m == null) {
                LOG.error("{} {} failed", method, path, e);
                status = 500;
                type = "ServiceInternalError";
                message = "internal error (" + e.getClass().getSimpleName() + "); the service log has the details";
            } else {
                status = m;
            }
        }
        if (status >= 500 && e instanceof ServiceException) {
            LOG.warn("{} {}: {}", method, path, message, e.getCause());
        }
        return new Failure(status, type, message);
    }

    /** Starts serving; returns once the port is bound. */
    public ServiceServer start() {
        try {
            app.start();
        } catch (RuntimeException e) {
            Throwable c = e;
            while (c != null && !(c instanceof BindException)) {
                c = c.getCause();
            }
            if (c != null) {
                throw new ServiceConfigException("--port " + port + " on " + host + ": " + c.getMessage()
                        + "; another process holds it: choose another port (or 0 for any free one)", e);
            }
            throw e;
        }
        port = app.port();
        return this;
    }

    /** The bound port (after {@link #start()}). */
    public int port() {
        return port;
    }

    /** The address to open, e.g. {@code http://127.0.0.1:8080} (a wildcard host shows as 127.0.0.1). */
    public String url() {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
    }

    /** The registry served on {@code /metrics}; libraries take it as their {@code MeterRegistry}. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The readiness checks behind {@code /health/ready}. */
    public HealthChecks health() {
        return health;
    }

    /** The Javalin instance, for what the builder does not cover. */
    public Javalin javalin() {
        return app;
    }

    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            health.close();
        }
    }

    /**
     * Settings of a {@link ServiceServer}. Not thread-safe; build once.
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private int maxThreads;
        private PrometheusMeterRegistry registry;
        private boolean jvmMetrics;
        private final List<HealthProbe> probes = new ArrayList<>();
        private Duration probeTimeout = Duration.ofSeconds(5);
        private ErrorFormat errorFormat = ErrorFormat.standard();
        private HealthFormat healthFormat = HealthFormat.standard();
        private final Map<Class<? extends Exception>, Integer> mapped = new LinkedHashMap<>();
        private final List<Consumer<RoutesConfig>> routes = new ArrayList<>();
        private final List<Consumer<JavalinConfig>> configurers = new ArrayList<>();

        private Builder() {
        }

        /** The address to bind; default {@code 127.0.0.1}, {@code 0.0.0.0} for every interface. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port; 0 picks a free one ({@link ServiceServer#port()} tells which). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new ServiceConfigException("--port " + port + ": must be 0..65535 (0 picks a free port)");
            }
            this.port = port;
            return this;
        }

        /**
         * The most threads Jetty serves requests with (acceptors and selectors included); 0 (default) keeps
         * Javalin's (250). Fewer threads than connections queue requests instead of time-slicing them.
         */
        public Builder maxThreads(int n) {
            if (n != 0 && n < 8) {
                throw new ServiceConfigException("--http-threads " + n + ": 0 (default) or at least 8");
            }
            this.maxThreads = n;
            return this;
        }

        /** The registry to serve on {@code /metrics} (default a new one with JVM metrics bound). */
        public Builder registry(PrometheusMeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Also binds JVM memory, thread, GC and CPU metrics to a registry given with {@link #registry}. */
        public Builder jvmMetrics(boolean bind) {
            this.jvmMetrics = bind;
            return this;
        }

        /** Adds a readiness probe. */
        public Builder probe(HealthProbe probe) {
            probes.add(Objects.requireNonNull(probe, "probe"));
            return this;
        }

        /** How long one probe may take before it counts as down; default 5 s. */
        public Builder probeTimeout(Duration timeout) {
            this.probeTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The error body; default {@link ErrorFormat#standard()}. */
        public Builder errorFormat(ErrorFormat format) {
            this.errorFormat = Objects.requireNonNull(format, "format");
            return this;
        }

        /** The health answers; default {@link HealthFormat#standard()}. */
        public Builder healthFormat(HealthFormat format) {
            this.healthFormat = Objects.requireNonNull(format, "format");
            return this;
        }

        /** Answers exceptions of {@code type} (and subclasses) with {@code status}; the first mapping that matches
         *  wins, so map subclasses before their roots. */
        public Builder mapError(Class<? extends Exception> type, int status) {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("status " + status + " for " + type.getName() + ": must be 4xx or 5xx");
            }
            mapped.put(Objects.requireNonNull(type, "type"), status);
            return this;
        }

        /** Adds routes; called once while the server is built. */
        public Builder routes(Consumer<RoutesConfig> routes) {
            this.routes.add(Objects.requireNonNull(routes, "routes"));
            return this;
        }

        /** Changes Javalin's configuration directly (static files, Jetty), after the builder's own settings. */
        public Builder configure(Consumer<JavalinConfig> configurer) {
            this.configurers.add(Objects.requireNonNull(configurer, "configurer"));
            return this;
        }

        /** Builds the server without starting it. */
        public ServiceServer build() {
            return new ServiceServer(this);
        }

        /** Builds and starts the server. */
        public ServiceServer start() {
            return build().start();
        }
    }
}
