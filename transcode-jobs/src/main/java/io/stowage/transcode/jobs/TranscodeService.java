package io.stowage.transcode.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.transcode.Transcoder;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The transcoding service's front: submit a file, watch it, list a user's history, cancel, delete, get a download
 * link. Workers ({@link TranscodeWorker}, in this or other processes) do the transcoding. No HTTP here: the
 * {@code service} module adapts this class to HTTP, the CLI to {@code stowage jobs ...}.
 *
 * <pre>{@code
 * TranscodeJobsConfig config = TranscodeJobsConfig.defaults("redis://127.0.0.1:6379", "media");
 * try (TranscodeService service = TranscodeService.builder(config).s3(s3Client).build()) {
 *     JobView job = service.submit("alice", Path.of("holiday.mov"), "holiday.mov", "web-mp4",
 *             Optional.of("alice@example.com"));
 *     JobView now = service.status("alice", job.id());
 *     URI link = service.downloadUrl("alice", job.id());     // once COMPLETED
 * }
 * }</pre>
 *
 * <p>Every call takes the user and treats another user's job as not found. User ids are 1-128 characters of
 * {@code A-Z a-z 0-9 . _ @ -}.
 *
 * <p>Thread-safe: one instance serves all requests of a process.
 */
public final class TranscodeService implements AutoCloseable {

    private TranscodeService(Builder b) {
    }

    /** A builder; {@link Builder#s3(S3Client)} is required. */
    public static Builder builder(TranscodeJobsConfig config) {
        return new Builder(config);
    }

    /** The configuration this service runs with. */
    public TranscodeJobsConfig config() {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /** The preset names a submit accepts. */
    public List<String> presets() {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /**
     * Streams {@code input} to S3 under {@code raw/{user}/{job}/{safe name}} (multipart, never the whole file in
     * memory or on disk; the size is counted while streaming), probes the stored object with ffprobe through a
     * presigned URL, and only then records the job PENDING and queues it. Does not close {@code input}.
     *
     * @param user         the owner
     * @param input        the file's bytes
     * @param originalName the name the user gave the file; reduced to a safe file name ({@code ../../x.mp4} → {@code x.mp4})
     * @param preset       a preset name ({@link #presets()})
     * @param email        where to send the notice when the job finishes
     * @return the job as stored (PENDING)
     * @throws TranscodeJobsInvalidUserException  a user id that cannot be a key part
     * @throws TranscodeJobsUnsafeNameException   a name that leaves nothing usable
     * @throws TranscodeJobsUnknownPresetException an unknown preset (checked before anything is read)
     * @throws TranscodeJobsTooLargeException     over {@link TranscodeJobsConfig#maxInputBytes()}: the raw object removed
     * @throws TranscodeJobsNotMediaException     ffprobe cannot read it: the raw object removed
     * @throws TranscodeJobsBackendException      S3 or Redis failed: the raw object removed where possible, nothing queued
     */
    public JobView submit(String user, InputStream input, String originalName, String preset, Optional<String> email) {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /**
     * As {@link #submit(String, InputStream, String, String, Optional)}, reading a local file.
     *
     * @throws TranscodeJobsNotMediaException also when the file cannot be read
     */
    public JobView submit(String user, Path file, String originalName, String preset, Optional<String> email) {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /**
     * The job now.
     *
     * @throws TranscodeJobsNotFoundException when it does not exist or belongs to another user
     */
    public JobView status(String user, JobId job) {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /**
     * One page of the user's jobs, newest first.
     *
     * @param page from 0
     * @param size 1 to 1000
     */
    public JobPage history(String user, int page, int size) {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /**
     * Cancels the job: a PENDING job becomes CANCELLED at once (a worker that later receives it acknowledges it
     * without running it); a PROCESSING job gets the cancel flag and a pub/sub message, and its worker stops ffmpeg
     * within a second and stores CANCELLED. A finished job is returned unchanged.
     *
     * @return the job after the request (CANCELLED, or PROCESSING with {@code cancelRequested} until the worker stops)
     * @throws TranscodeJobsNotFoundException when it does not exist or belongs to another user
     */
    public JobView cancel(String user, JobId job) {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /**
     * Cancels the job if it is running and removes it: its raw input and output objects, its hash and its history
     * entry.
     *
     * @throws TranscodeJobsNotFoundException when it does not exist or belongs to another user
     */
    public void delete(String user, JobId job) {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /**
     * A presigned GET URL of the job's output, valid for {@link TranscodeJobsConfig#linkExpiry()}.
     *
     * @throws TranscodeJobsNotFoundException when it does not exist or belongs to another user
     * @throws TranscodeJobsNotReadyException when the job is not COMPLETED
     */
    public URI downloadUrl(String user, JobId job) {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /** The queue now: waiting entries, claimed entries, dead letters. */
    public QueueStats queueStats() {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /** The job store this service writes to (read-only use). */
    public JobStore store() {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /** Closes the Redis connection, and the transcoder when the service created it. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("step 1: API only");
    }

    /**
     * Builds a {@link TranscodeService}.
     *
     * <p>{@code TranscodeService.builder(config).s3(s3).meterRegistry(registry).build()}
     *
     * <p>Not thread-safe; use from one thread.
     */
    public static final class Builder {
        final TranscodeJobsConfig config;
        S3Client s3;
        Transcoder transcoder;
        MeterRegistry registry;

        private Builder(TranscodeJobsConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The S3 client for raw inputs, outputs and presigned links (required; not closed by the service). */
        public Builder s3(S3Client client) {
            this.s3 = Objects.requireNonNull(client, "s3");
            return this;
        }

        /**
         * The transcoder whose ffprobe and presets the service uses (not closed by the service). Default: a
         * {@code Transcoder.create()} the service owns.
         */
        public Builder transcoder(Transcoder t) {
            this.transcoder = Objects.requireNonNull(t, "transcoder");
            return this;
        }

        /** Where submit counters and queue gauges go. Default: a no-op registry. */
        public Builder meterRegistry(MeterRegistry r) {
            this.registry = Objects.requireNonNull(r, "meterRegistry");
            return this;
        }

        /**
         * Connects to Redis and makes sure the stream and its consumer group exist.
         *
         * @throws TranscodeJobsBackendException when Redis cannot be reached
         */
        public TranscodeService build() {
            throw new UnsupportedOperationException("step 1: API only");
        }
    }
}
