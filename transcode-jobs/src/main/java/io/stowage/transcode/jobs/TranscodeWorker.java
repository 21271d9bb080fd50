package io.stowage.transcode.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.transcode.Transcoder;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.util.Objects;

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

    private TranscodeWorker(Builder b) {
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
        throw new UnsupportedOperationException("step 1: API only");
    }

    /** The consumer names of this process's worker threads in the group, e.g. {@code host-1234-0}. */
    public java.util.List<String> consumerNames() {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /** How many jobs this process is working on now. */
    public int activeJobs() {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /** How many jobs this process brought to a final state since start. */
    public long finishedJobs() {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /**
     * Waits until the workers have stopped (after {@link #close()}).
     *
     * @return true when stopped within {@code timeout}
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /**
     * Graceful stop (what SIGTERM should call): no new jobs are read; a running job may finish within
     * {@link TranscodeJobsConfig#shutdownGrace()}, else ffmpeg is stopped and the job is released (back to PENDING,
     * its stream entry left for another worker at once, its attempt not counted). Then the connections close.
     * Idempotent.
     */
    @Override
    public void close() {
        throw new UnsupportedOperationException("step 1: API only");
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
        int workers = 1;
        String consumerPrefix;

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

        /**
         * Connects to Redis and makes sure the stream and its consumer group exist.
         *
         * @throws TranscodeJobsBackendException when Redis cannot be reached
         */
        public TranscodeWorker build() {
            throw new UnsupportedOperationException("step 1: API only");
        }
    }
}
