package io.stowage.transcode.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.stowage.s3.S3Objects;
import io.stowage.transcode.Transcoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Workers that take jobs from the Redis Stream and transcode them: each worker thread reads with
 * {@code XREADGROUP}, refreshes its claim ({@code XCLAIM ... JUSTID}) every
 * {@link TranscodeJobsConfig#claimRefreshInterval()} so a long transcode is never taken over, takes over jobs of
 * dead workers with {@code XAUTOCLAIM} after {@link TranscodeJobsConfig#claimIdleTimeout()}, downloads the raw input,
 * runs {@link Transcoder} with progress written to the job, uploads the verified output to
 * {@code processed/{user}/{job}/...}, stores COMPLETED and only then {@code XACK}s. A job that failed
 * {@link TranscodeJobsConfig#maxAttempts()} times goes to the dead-letter stream as FAILED; a redelivered job whose
 * verified output already exists completes without transcoding again. Cancel requests arrive by pub/sub and stop
 * ffmpeg within a second.
 *
 * <pre>{@code
 * try (TranscodeWorker w = TranscodeWorker.builder(config).s3(s3).workers(2)
 *         .notifier(Notifier.smtp(mail)).build()) {
 *     w.start();
 *     Runtime.getRuntime().addShutdownHook(new Thread(w::close));   // SIGTERM: finish or release the current jobs
 *     w.awaitTermination(Duration.ofDays(365));
 * }
 * }</pre>
 *
 * <p>Thread-safe: {@link #start()}, {@link #close()} and the getters may be called from any thread. Many processes
 * may run workers on the same Redis; each worker thread is one consumer of the group.
 */
public final class TranscodeWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TranscodeWorker.class);

    private final TranscodeJobsConfig config;
    private final Transcoder transcoder;
    private final boolean ownsTranscoder;
    private final JobStore store;
    private final JobQueue queue;
    private final JobMetrics metrics;
    /** False when the metrics are a service's ({@link Builder#metricsOf}): that service closes them. */
    private final boolean ownsMetrics;
    private final S3Objects objects;
    private final Notifier notifier;
    private final JobExecutor executor;
    private final List<String> consumers = new ArrayList<>();
    private final ConcurrentMap<String, RunningJob> active = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final AtomicLong finished = new AtomicLong();
    private final AtomicInteger state = new AtomicInteger(); // 0 new, 1 running, 2 closing, 3 closed
    private final CountDownLatch stopped;
    private final List<Thread> threads = new ArrayList<>();
    private final Sweeper sweeper;
    private StatefulRedisPubSubConnection<String, String> pubsub;

    private TranscodeWorker(Builder b) {
        this.config = b.config;
        this.objects = S3Objects.create(b.s3);
        this.notifier = b.notifier;
        this.ownsTranscoder = b.transcoder == null && b.executor == null;
        this.transcoder = b.transcoder != null ? b.transcoder : ownsTranscoder ? Transcoder.create() : null;
        try {
            this.store = JobQueue.openStore(config);
        } catch (RuntimeException e) {
            if (ownsTranscoder) {
                transcoder.close();
            }
            throw e;
        }
        this.queue = new JobQueue(store.keys(), store.redis());
        this.ownsMetrics = b.metricsOf == null;
        this.metrics = b.metricsOf != null ? b.metricsOf.metrics()
                : new JobMetrics(b.registry != null ? b.registry : new SimpleMeterRegistry(), queue, store);
        Path work = b.workDir != null ? b.workDir
                : Path.of(System.getProperty("java.io.tmpdir"), "stowage-transcode-jobs");
        this.executor = b.executor != null ? b.executor : new TranscodeExecutor(config, objects, transcoder, work);
        String prefix = b.consumerPrefix != null ? b.consumerPrefix : defaultPrefix();
        for (int i = 0; i < b.workers; i++) {
            consumers.add(prefix + "-" + i);
        }
        this.stopped = new CountDownLatch(b.workers);
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "transcode-worker-claims");
            t.setDaemon(true);
            return t;
        });
        this.sweeper = new Sweeper(config, store, objects);
    }

    private static String defaultPrefix() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        return host.replaceAll("[^A-Za-z0-9.-]", "_") + "-" + ProcessHandle.current().pid() + "-"
                + Long.toString(System.nanoTime() & 0xFFFFF, 36);
    }

    /** A builder; {@link Builder#s3(S3Client)} is required. */
    public static Builder builder(TranscodeJobsConfig config) {
        return new Builder(config);
    }

    /**
     * Starts the worker threads. Returns at once.
     *
     * @throws IllegalStateException when already started or closed
     */
    public TranscodeWorker start() {
        if (!state.compareAndSet(0, 1)) {
            throw new IllegalStateException("this worker was already started or closed");
        }
        pubsub = store.client().connectPubSub();
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                RunningJob j = active.get(message);
                if (j != null) {
                    LOG.info("job {}: cancel requested", message);
                    j.requestStop(RunningJob.Stop.CANCEL);
                }
            }
        });
        pubsub.sync().subscribe(store.keys().cancelChannel());
        long sweepMs = Math.max(1_000, Math.min(30_000, config.retention().toMillis() / 2));
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                sweeper.sweep();
                // consumer names of ended processes: idle a day (or 20 claim timeouts) with nothing pending
                long idle = Math.max(Duration.ofDays(1).toMillis(), config.claimIdleTimeout().toMillis() * 20);
                if (ThreadLocalRandom.current().nextInt(20) == 0) {
                    sweeper.dropIdleConsumers(idle);
                }
            } catch (RuntimeException e) {
                LOG.debug("sweep failed: {}", e.toString());
            }
        }, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
        for (String c : consumers) {
            WorkerLoop loop = new WorkerLoop(config, store, queue, c, executor, notifier, objects, metrics, scheduler,
                    active, () -> state.get() == 1, finished::incrementAndGet);
            Thread t = new Thread(() -> {
                try {
                    loop.run();
                } finally {
                    stopped.countDown();
                }
            }, "transcode-worker-" + c);
            threads.add(t);
            t.start();
        }
        LOG.info("transcode worker started: {} thread(s) {} on {}", consumers.size(), consumers,
                JobStore.redacted(config.redisUrl()));
        return this;
    }

    /** The consumer names of this process's worker threads in the group, e.g. {@code host-1234-x1-0}. */
    public List<String> consumerNames() {
        return List.copyOf(consumers);
    }

    /** How many jobs this process is working on now. */
    public int activeJobs() {
        return active.size();
    }

    /** How many jobs this process brought to a final state (or released) since start. */
    public long finishedJobs() {
        return finished.get();
    }

    /**
     * Waits until the workers have stopped (after {@link #close()}).
     *
     * @return true when stopped within {@code timeout}
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Graceful stop (what SIGTERM should call): no new jobs are read; a running job may finish within
     * {@link TranscodeJobsConfig#shutdownGrace()}, else ffmpeg is stopped and the job is released (back to PENDING,
     * its stream entry re-queued for another worker at once, its attempt not counted). Then the connections close.
     * Idempotent.
     */
    @Override
    public void close() {
        int was = state.getAndSet(2);
        if (was >= 2) {
            awaitQuietly(config.shutdownGrace().plus(config.pollTimeout()).plusSeconds(10));
            return;
        }
        try {
            if (was == 1) {
                long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
                while (!active.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                for (RunningJob j : active.values()) {
                    LOG.info("job {}: releasing it for another worker (shutdown)", j.jobId);
                    j.requestStop(RunningJob.Stop.RELEASE);
                }
                awaitQuietly(config.pollTimeout().plusSeconds(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scheduler.shutdownNow();
            if (ownsMetrics) {
                metrics.close();
            }
            if (pubsub != null) {
                pubsub.close();
            }
            store.close();
            if (ownsTranscoder) {
                transcoder.close();
            }
            state.set(3);
            if (was == 0) {
                for (int i = 0; i < consumers.size(); i++) {
                    stopped.countDown();
                }
            }
        }
    }

    private void awaitQuietly(Duration d) {
        try {
            stopped.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The meters this worker counts into (tests). */
    JobMetrics metrics() {
        return metrics;
    }

    /** Runs one expiry sweep now (tests; workers also sweep on their own). */
    int sweepExpired() {
        return sweeper.sweep();
    }

    /** Deletes the group's consumers idle at least {@code idle} with nothing pending (tests; workers do it too). */
    int dropIdleConsumers(Duration idle) {
        return sweeper.dropIdleConsumers(idle.toMillis());
    }

    /**
     * Builds a {@link TranscodeWorker}.
     *
     * <p>{@code TranscodeWorker.builder(config).s3(s3).workers(4).notifier(n).meterRegistry(r).build()}
     *
     * <p>Not thread-safe; use from one thread.
     */
    public static final class Builder {
        final TranscodeJobsConfig config;
        S3Client s3;
        Transcoder transcoder;
        Notifier notifier = Notifier.none();
        MeterRegistry registry;
        TranscodeService metricsOf;
        int workers = 1;
        String consumerPrefix;
        JobExecutor executor;
        java.nio.file.Path workDir;

        private Builder(TranscodeJobsConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The S3 client for inputs, outputs and links (required; not closed by the worker). */
        public Builder s3(S3Client client) {
            this.s3 = Objects.requireNonNull(client, "s3");
            return this;
        }

        /** The transcoder (not closed by the worker). Default: a {@code Transcoder.create()} the worker owns. */
        public Builder transcoder(Transcoder t) {
            this.transcoder = Objects.requireNonNull(t, "transcoder");
            return this;
        }

        /** Who tells users their job finished. Default: {@link Notifier#none()}. */
        public Builder notifier(Notifier n) {
            this.notifier = Objects.requireNonNull(n, "notifier");
            return this;
        }

        /** Where job durations, outcomes, queue depth and claims go. Default: a no-op registry. */
        public Builder meterRegistry(MeterRegistry r) {
            this.registry = Objects.requireNonNull(r, "meterRegistry");
            return this;
        }

        /**
         * Counts into the meters of {@code service}, a {@link TranscodeService} in the same process, instead of a
         * set of its own: one set of queue gauges per registry, fed by the service (which must outlive the worker;
         * {@code stowage serve transcode} closes its workers first). Takes precedence over {@link #meterRegistry}.
         */
        public Builder metricsOf(TranscodeService service) {
            this.metricsOf = Objects.requireNonNull(service, "service");
            return this;
        }

        /** Worker threads in this process, each a consumer of the group (default 1). */
        public Builder workers(int n) {
            if (n < 1 || n > 256) {
                throw new TranscodeJobsInvalidConfigException("workers", n, "must be 1 to 256");
            }
            this.workers = n;
            return this;
        }

        /** Prefix of this process's consumer names. Default: {@code {host}-{pid}}. Must be unique per process. */
        public Builder consumerPrefix(String prefix) {
            this.consumerPrefix = Objects.requireNonNull(prefix, "consumerPrefix");
            return this;
        }

        /** Folder for the inputs and outputs of running jobs. Default: {@code java.io.tmpdir/stowage-transcode-jobs}. */
        public Builder workDir(java.nio.file.Path dir) {
            this.workDir = Objects.requireNonNull(dir, "workDir");
            return this;
        }

        /**
         * Connects to Redis and makes sure the stream and its consumer group exist.
         *
         * @throws TranscodeJobsBackendException when Redis cannot be reached
         */
        public TranscodeWorker build() {
            if (s3 == null) {
                throw new TranscodeJobsInvalidConfigException("s3", null, "an S3 client is required: builder.s3(client)");
            }
            return new TranscodeWorker(this);
        }

        /** Replaces the transcoding step (the queue benchmark's no-op). */
        Builder executor(JobExecutor e) {
            this.executor = e;
            return this;
        }
    }
}
