package io.stowage.transcode.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.s3.S3Objects;
import io.stowage.s3.S3UploadStream;
import io.stowage.s3.StreamUploadOptions;
import io.stowage.transcode.Preset;
import io.stowage.transcode.Transcoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

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
    private static final Logger LOG = LoggerFactory.getLogger(TranscodeService.class);
    private static final Pattern EMAIL = Pattern.compile("[^\\s@]{1,64}@[^\\s@]{1,189}");
    private static final Duration PROBE_LINK_TTL = Duration.ofMinutes(15);

    private final TranscodeJobsConfig config;
    private final S3Objects objects;
    private final Transcoder transcoder;
    private final boolean ownsTranscoder;
    private final JobStore store;
    private final JobQueue queue;
    private final JobMetrics metrics;
    private final RemoteProbe probe;

    private TranscodeService(Builder b) {
        this.config = b.config;
        this.objects = S3Objects.create(b.s3);
        this.ownsTranscoder = b.transcoder == null;
        this.transcoder = b.transcoder != null ? b.transcoder : Transcoder.create();
        try {
            this.store = JobQueue.openStore(config);
        } catch (RuntimeException e) {
            if (ownsTranscoder) {
                transcoder.close();
            }
            throw e;
        }
        this.queue = new JobQueue(store.keys(), store.redis());
        this.metrics = new JobMetrics(b.registry != null ? b.registry : new SimpleMeterRegistry(), queue, store);
        this.probe = new RemoteProbe(transcoder.ffprobePath(), 60);
    }

    /** A builder; {@link Builder#s3(S3Client)} is required. */
    public static Builder builder(TranscodeJobsConfig config) {
        return new Builder(config);
    }

    /** The configuration this service runs with. */
    public TranscodeJobsConfig config() {
        return config;
    }

    /** The preset names a submit accepts. */
    public List<String> presets() {
        return transcoder.presets().names();
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
     * @throws TranscodeJobsInvalidEmailException an address that is not plain {@code local@domain}
     * @throws TranscodeJobsTooLargeException     over {@link TranscodeJobsConfig#maxInputBytes()}: the raw object removed
     * @throws TranscodeJobsNotMediaException     ffprobe cannot read it: the raw object removed
     * @throws TranscodeJobsBackendException      S3 or Redis failed: the raw object removed where possible, nothing queued
     */
    public JobView submit(String user, InputStream input, String originalName, String preset, Optional<String> email) {
        Objects.requireNonNull(input, "input");
        JobStore.checkUser(user);
        String safe = SafeNames.reduce(originalName);
        Preset p = transcoder.presets().find(preset == null ? "" : preset)
                .orElseThrow(() -> new TranscodeJobsUnknownPresetException(String.valueOf(preset),
                        transcoder.presets().names()));
        String mail = email == null ? null : email.orElse(null);
        if (mail != null && (mail.length() > 254 || !EMAIL.matcher(mail).matches())) {
            throw new TranscodeJobsInvalidEmailException(mail);
        }
        JobId id = JobId.next();
        String key = ObjectKeys.raw(config, user, id, safe);
        boolean stored = false;
        try {
            long size = upload(input, originalName, key);
            stored = true;
            if (size == 0) {
                throw new TranscodeJobsNotMediaException(originalName, "the file is empty");
            }
            RemoteProbe.Result r = probeStored(originalName, key);
            if (p.video().required() && !r.video()) {
                throw new TranscodeJobsNotMediaException(originalName, "it has no video stream; preset " + preset
                        + " needs one");
            }
            if (p.audio().required() && !r.audio()) {
                throw new TranscodeJobsNotMediaException(originalName, "it has no audio stream; preset " + preset
                        + " needs one");
            }
            Instant now = Instant.now();
            List<String> fields = JobCodec.newJob(id, user, preset, originalName, safe, key, size,
                    r.durationSeconds(), now, mail);
            store.create(id, user, fields, now);
            metrics.submitted("queued");
            LOG.info("job {} of {} queued: {} ({} bytes, {}), preset {}", id, user, safe, size, r.format(), preset);
            return store.get(user, id);
        } catch (RuntimeException e) {
            metrics.submitted(e instanceof TranscodeJobsException ? e.getClass().getSimpleName() : "error");
            if (stored) {
                removeQuietly(key);
            }
            throw e;
        }
    }

    private long upload(InputStream input, String originalName, String key) {
        LimitedInputStream in = new LimitedInputStream(input, config.maxInputBytes(), originalName);
        StreamUploadOptions opts = StreamUploadOptions.defaults().withPartSize(config.partSize()).withPartsInFlight(2);
        try (S3UploadStream up = objects.openUpload(config.bucket(), key, opts)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                up.write(buf, 0, n);
            }
            up.complete();
            return in.count();
        } catch (IOException e) {
            throw new TranscodeJobsBackendException("s3", "uploading " + key + " (" + in.count() + " bytes read): "
                    + e.getMessage(), e);
        } catch (SdkException e) {
            throw new TranscodeJobsBackendException("s3", "uploading " + key + ": " + e.getMessage(), e);
        }
    }

    private RemoteProbe.Result probeStored(String originalName, String key) {
        URI url;
        try {
            url = objects.presignGet(config.bucket(), key, PROBE_LINK_TTL);
        } catch (SdkException e) {
            throw new TranscodeJobsBackendException("s3", "signing a link to " + key + ": " + e.getMessage(), e);
        }
        String[] problem = new String[1];
        RemoteProbe.Result r;
        try {
            r = probe.probe(url, problem);
        } catch (IOException e) {
            throw new TranscodeJobsBackendException("ffprobe", "cannot run " + transcoder.ffprobePath() + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranscodeJobsBackendException("ffprobe", "interrupted", e);
        }
        if (r == null) {
            throw new TranscodeJobsNotMediaException(originalName, problem[0]);
        }
        return r;
    }

    private void removeQuietly(String key) {
        try {
            objects.delete(config.bucket(), key);
        } catch (RuntimeException e) {
            LOG.warn("could not remove {} after a refused submit: {}", key, e.toString());
        }
    }

    /**
     * As {@link #submit(String, InputStream, String, String, Optional)}, reading a local file.
     *
     * @throws TranscodeJobsNotMediaException also when the file cannot be read
     */
    public JobView submit(String user, Path file, String originalName, String preset, Optional<String> email) {
        JobStore.checkUser(user);
        SafeNames.reduce(originalName);
        if (transcoder.presets().find(preset == null ? "" : preset).isEmpty()) {
            throw new TranscodeJobsUnknownPresetException(String.valueOf(preset), transcoder.presets().names());
        }
        try (InputStream in = Files.newInputStream(file)) {
            return submit(user, in, originalName, preset, email);
        } catch (IOException e) {
            throw new TranscodeJobsNotMediaException(originalName, "cannot read " + file + ": " + e);
        }
    }

    /**
     * The job now.
     *
     * @throws TranscodeJobsNotFoundException when it does not exist or belongs to another user
     */
    public JobView status(String user, JobId job) {
        return store.get(user, job);
    }

    /**
     * One page of the user's jobs, newest first.
     *
     * @param page from 0
     * @param size 1 to 1000
     */
    public JobPage history(String user, int page, int size) {
        return store.history(user, page, size);
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
        store.get(user, job);
        String r = store.cancel(user, job);
        if ("notfound".equals(r)) {
            throw new TranscodeJobsNotFoundException(user, job.value());
        }
        if ("signal".equals(r)) {
            store.publishCancel(job);
        }
        return store.get(user, job);
    }

    /**
     * Cancels the job if it is running and removes it: its raw input and output objects, its hash and its history
     * entry.
     *
     * @throws TranscodeJobsNotFoundException when it does not exist or belongs to another user
     */
    public void delete(String user, JobId job) {
        JobView v = store.get(user, job);
        if (!v.state().isFinal()) {
            if ("signal".equals(store.cancel(user, job))) {
                store.publishCancel(job);
            }
        }
        if (!store.remove(user, job)) {
            throw new TranscodeJobsNotFoundException(user, job.value());
        }
        removeObjects(v);
    }

    private void removeObjects(JobView v) {
        String ext = transcoder.presets().find(v.preset()).map(Preset::extension).orElse(null);
        try {
            objects.delete(config.bucket(), v.inputKey());
            if (v.outputKey() != null) {
                objects.delete(config.bucket(), v.outputKey());
            }
            if (ext != null) {
                objects.delete(config.bucket(), ObjectKeys.output(config, v.user(), v.id(), v.safeName(), ext));
            }
        } catch (SdkException e) {
            throw new TranscodeJobsBackendException("s3", "removing the objects of job " + v.id() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * A presigned GET URL of the job's output, valid for {@link TranscodeJobsConfig#linkExpiry()}.
     *
     * @throws TranscodeJobsNotFoundException when it does not exist or belongs to another user
     * @throws TranscodeJobsNotReadyException when the job is not COMPLETED
     */
    public URI downloadUrl(String user, JobId job) {
        JobView v = store.get(user, job);
        if (v.state() != JobState.COMPLETED || v.outputKey() == null) {
            throw new TranscodeJobsNotReadyException(job.value(), v.state());
        }
        try {
            return objects.presignGet(config.bucket(), v.outputKey(), config.linkExpiry());
        } catch (SdkException e) {
            throw new TranscodeJobsBackendException("s3", "signing a link to " + v.outputKey() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The queue now: waiting entries, claimed entries, dead letters. */
    public QueueStats queueStats() {
        return queue.stats();
    }

    /** The meters of this service; in-process workers count into them too. */
    JobMetrics metrics() {
        return metrics;
    }

    /** The job store this service writes to (read-only use). */
    public JobStore store() {
        return store;
    }

    /** Closes the Redis connection, and the transcoder when the service created it. */
    @Override
    public void close() {
        metrics.close();
        try {
            store.close();
        } finally {
            if (ownsTranscoder) {
                transcoder.close();
            }
        }
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
            if (s3 == null) {
                throw new TranscodeJobsInvalidConfigException("s3", null, "an S3 client is required: builder.s3(client)");
            }
            return new TranscodeService(this);
        }
    }
}
