package io.stowage.service.des;

import io.javalin.config.JavalinConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stowage.des.ingest.DesFileService;
import io.stowage.des.ingest.DesIngestFileUnavailableException;
import io.stowage.des.ingest.DesIngestInvalidPrefixException;
import io.stowage.des.ingest.DesIngestNodeIdLostException;
import io.stowage.des.ingest.DesNameService;
import io.stowage.des.ingest.IngestDatabase;
import io.stowage.des.ingest.NameIndex;
import io.stowage.des.s3.IndexCache;
import io.stowage.s3.S3Objects;
import io.stowage.service.ErrorFormat;
import io.stowage.service.HealthProbe;
import io.stowage.service.ProbeResult;
import io.stowage.service.ProbeStatus;
import io.stowage.service.ServiceServer;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code stowage serve des} as a library: a drop-in for the existing DES HTTP services (DES-INGEST.md section 5), on
 * {@link DesNameService} and {@link DesFileService}. The main port (8000) serves {@code POST /assign},
 * {@code GET|HEAD /files/{name}}, {@code GET /health}, {@code /health/live}, {@code /health/ready} and
 * {@code /metrics}; a files port (8001), when given, serves {@code /files} (and health and metrics) too. {@code /files}
 * is a plain Jetty handler ahead of Javalin on both ports ({@link DesFilesHandler}: the throughput goal), the
 * rest Javalin routes ({@link DesRoutes}). Errors are
 * {@code {"detail": "..."}}: 400 bad prefix, 422 bad body, 404 {@code File not found}, 416 range, 503 store or index
 * down or node-id lease lost.
 *
 * <pre>{@code
 * try (IngestDatabase db = IngestDatabase.open(url);
 *      DesServer s = DesServer.builder(db, s3, "des-archives").nodeId(3).port(8000).filesPort(8001).start()) {
 *     System.out.println("serving on " + s.url());
 * }
 * }</pre>
 *
 * <p>Stateless apart from caches: any number of instances (each with its own node id) may run behind a plain load
 * balancer. Thread-safe.
 */
public final class DesServer implements AutoCloseable {
    private final DesNameService names;
    private final DesFileService files;
    private final ServiceServer main;
    private final ServiceServer filesServer;
    private final PrometheusMeterRegistry registry;

    private DesServer(Builder b) {
        this.registry = b.registry != null ? b.registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DesNameService n = null;
        ServiceServer m = null;
        ServiceServer f = null;
        try {
            n = DesNameService.start(b.db, b.nodeId, b.wrapBits, b.shardBits, b.leaseTtl);
            NameIndex index = NameIndex.of(b.db);
            this.files = DesFileService.builder(b.s3, b.bucket, index::find).indexCache(b.indexCache)
                    .meterRegistry(registry).build();
            DesRoutes routes = new DesRoutes(n);
            DesFilesHandler.Meters fileMeters = new DesFilesHandler.Meters(registry);
            DesFileService fs = files;
            // both ports: /files answered by one handler class ahead of Javalin, sharing the meters
            Consumer<JavalinConfig> filesFirst = c -> c.jetty.modifyServer(s -> DesFilesHandler.install(s, fs,
                    fileMeters));
            S3Objects objects = S3Objects.create(b.s3);
            IngestDatabase db = b.db;
            String bucket = b.bucket;
            m = configure(ServiceServer.builder().host(b.host).port(b.port).registry(registry).jvmMetrics(true), b)
                    .probe(database(db))
                    .probe(HealthProbe.of("s3", () -> {
                        S3Objects.BucketStatus s = objects.checkBucket(bucket);
                        if (s != S3Objects.BucketStatus.EXISTS) {
                            throw new IllegalStateException("archive bucket " + bucket + ": " + s);
                        }
                    }))
                    .probe(shardLocks(db))
                    .probe(sources())
                    .routes(routes::main)
                    .configure(filesFirst)
                    .start();
            if (b.filesPort >= 0) {
                f = configure(ServiceServer.builder().host(b.host).port(b.filesPort).registry(registry), b)
                        .configure(filesFirst)
                        .start();
            }
        } catch (RuntimeException e) {
            if (m != null) {
                m.close();
            }
            if (n != null) {
                n.close();
            }
            throw e;
        }
        this.names = n;
        this.main = m;
        this.filesServer = f;
    }

    private static ServiceServer.Builder configure(ServiceServer.Builder sb, Builder b) {
        ERRORS.forEach(sb::mapError);
        return sb.maxThreads(b.httpThreads).errorFormat(ErrorFormat.detail()).healthFormat(new DesHealth())
                .probeTimeout(b.probeTimeout);
    }

    /** The library exceptions the DES endpoints answer with their own status; the rest are ServiceServer's. */
    static final Map<Class<? extends Exception>, Integer> ERRORS = errors();

    private static Map<Class<? extends Exception>, Integer> errors() {
        Map<Class<? extends Exception>, Integer> m = new LinkedHashMap<>();
        m.put(DesIngestInvalidPrefixException.class, 400);
        m.put(DesIngestFileUnavailableException.class, 503);
        m.put(DesIngestNodeIdLostException.class, 503);
        return Collections.unmodifiableMap(m);
    }

    /** {@code database}: answers, and when the last container was uploaded ({@code last_processed}). */
    static HealthProbe database(IngestDatabase db) {
        return new HealthProbe() {
            @Override
            public String name() {
                return "database";
            }

            @Override
            public ProbeResult check() {
                long t0 = System.nanoTime();
                Instant last = db.jdbi().withHandle(h -> h.createQuery("SELECT MAX(finalized_at) AS t FROM "
                        + "des_containers WHERE status = 'uploaded'").map((rs, ctx) -> Optional.ofNullable(
                                db.instant(rs, "t"))).one()).orElse(null);
                ProbeResult r = ProbeResult.up("database", Duration.ofNanos(System.nanoTime() - t0));
                return last == null ? r : r.withDetails(Map.of(DesHealth.LAST_PROCESSED, last.toString()));
            }
        };
    }

    /** {@code shard_locks}: held and expired locks; degraded while expired locks wait for recovery. */
    private static HealthProbe shardLocks(IngestDatabase db) {
        return new HealthProbe() {
            @Override
            public String name() {
                return "shard_locks";
            }

            @Override
            public ProbeResult check() {
                long t0 = System.nanoTime();
                Object now = db.timestamp(Instant.now());
                int[] he = db.jdbi().withHandle(h -> h.createQuery("SELECT "
                                + "SUM(CASE WHEN expires_at >= :now THEN 1 ELSE 0 END) AS held, "
                                + "SUM(CASE WHEN expires_at < :now THEN 1 ELSE 0 END) AS expired FROM des_shard_locks")
                        .bind("now", now).map((rs, ctx) -> new int[]{rs.getInt("held"), rs.getInt("expired")})
                        .one());
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("held", he[0]);
                d.put("expired", he[1]);
                ProbeResult r = ProbeResult.up("shard_locks", Duration.ofNanos(System.nanoTime() - t0)).withDetails(d);
                return he[1] > 0 ? r.withStatus(ProbeStatus.DEGRADED) : r;
            }

            @Override
            public boolean critical() {
                return false;
            }
        };
    }

    /** {@code source_providers}: this service reads no source database (the packers do). */
    private static HealthProbe sources() {
        return new HealthProbe() {
            @Override
            public String name() {
                return "source_providers";
            }

            @Override
            public ProbeResult check() {
                return ProbeResult.up("source_providers", Duration.ZERO)
                        .withDetails(Map.of("enabled", 0, "connected", 0));
            }

            @Override
            public boolean critical() {
                return false;
            }
        };
    }

    /** A builder over the metadata database (migrated), an S3 client and the archive bucket. */
    public static Builder builder(IngestDatabase db, S3Client s3, String archiveBucket) {
        return new Builder(db, s3, archiveBucket);
    }

    /** The main address, e.g. {@code http://127.0.0.1:8000}. */
    public String url() {
        return main.url();
    }

    /** The files address, or null without a files port. */
    public String filesUrl() {
        return filesServer == null ? null : filesServer.url();
    }

    /** The bound main port. */
    public int port() {
        return main.port();
    }

    /** The node id names are made with. */
    public int nodeId() {
        return names.nodeId();
    }

    /** The registry served on {@code /metrics}. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Stops HTTP, then frees the node id. */
    @Override
    public void close() {
        try {
            if (filesServer != null) {
                filesServer.close();
            }
            main.close();
        } finally {
            files.close();
            names.close();
        }
    }

    /** Settings of a {@link DesServer}; defaults as the existing deployment's. Not thread-safe. */
    public static final class Builder {
        private final IngestDatabase db;
        private final S3Client s3;
        private final String bucket;
        private String host = "127.0.0.1";
        private int port = 8000;
        private int filesPort = -1;
        private int nodeId;
        private int wrapBits = 32;
        private int shardBits = 8;
        private Duration leaseTtl = Duration.ofSeconds(30);
        private Duration probeTimeout = Duration.ofSeconds(5);
        private IndexCache indexCache = IndexCache.caffeine(64L << 20);
        private PrometheusMeterRegistry registry;
        private int httpThreads;

        private Builder(IngestDatabase db, S3Client s3, String bucket) {
            this.db = Objects.requireNonNull(db, "db");
            this.s3 = Objects.requireNonNull(s3, "s3");
            this.bucket = Objects.requireNonNull(bucket, "bucket");
        }

        /** The address to bind (default 127.0.0.1; 0.0.0.0 for every interface). */
        public Builder host(String h) {
            this.host = Objects.requireNonNull(h, "host");
            return this;
        }

        /** The main port (default 8000; 0: any free one). */
        public Builder port(int p) {
            this.port = p;
            return this;
        }

        /** A second port that serves {@code /files} too (the existing retriever's 8001); -1 (default): none. */
        public Builder filesPort(int p) {
            this.filesPort = p;
            return this;
        }

        /** The node id, leased for the server's life ({@code DES_NODE_ID}, default 0). */
        public Builder nodeId(int n) {
            this.nodeId = n;
            return this;
        }

        /** {@code DES_WRAP_BITS} (default 32). */
        public Builder wrapBits(int n) {
            this.wrapBits = n;
            return this;
        }

        /** {@code DES_SHARD_BITS} of {@code shard_id} in {@code /assign} (default 8). */
        public Builder shardBits(int n) {
            this.shardBits = n;
            return this;
        }

        /** TTL of the node-id lease (default 30 s). */
        public Builder leaseTtl(Duration d) {
            this.leaseTtl = Objects.requireNonNull(d, "leaseTtl");
            return this;
        }

        /** How long one readiness probe may take (default 5 s). */
        public Builder probeTimeout(Duration d) {
            this.probeTimeout = Objects.requireNonNull(d, "probeTimeout");
            return this;
        }

        /** Where container indexes are cached: Caffeine in front of the shared Redis cache (the caller closes it). */
        public Builder indexCache(IndexCache c) {
            this.indexCache = Objects.requireNonNull(c, "indexCache");
            return this;
        }

        /**
         * The most threads Jetty serves each port with, acceptors and selectors included (at least 8); 0 (default):
         * Jetty's 250. A request for a file holds a thread while it waits for S3, so fewer threads than requests in
         * flight queue them: with a store 30 ms away, 16 threads would cap a port near 500 files/s. On 2 cores with a
         * local store 16, 48 and 250 threads cost the same CPU per request (DesServeBenchmark, NOTES-files-perf.md).
         */
        public Builder httpThreads(int n) {
            if (n != 0 && n < 8) {
                throw new io.stowage.service.ServiceConfigException("httpThreads " + n
                        + ": 0 (default: Jetty's 250) or at least 8");
            }
            this.httpThreads = n;
            return this;
        }

        /** The registry to serve on {@code /metrics} (default a new one). */
        public Builder registry(PrometheusMeterRegistry r) {
            this.registry = Objects.requireNonNull(r, "registry");
            return this;
        }

        /** Leases the node id (refused when a live process holds it) and starts serving. */
        public DesServer start() {
            return new DesServer(this);
        }
    }
}
