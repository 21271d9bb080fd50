package io.stowage.transcode.jobs;

import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.stowage.s3.S3Objects;
import io.stowage.transcode.TranscodeCancelledException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One worker thread: read or take over one entry, start it (atomically, in Redis), run it with its claim refreshed,
 * store its final state, notify, acknowledge. Survives Redis restarts (errors are logged and the loop goes on after a
 * pause). Runs on one thread; shares only thread-safe collaborators.
 */
final class WorkerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLoop.class);

    private final TranscodeJobsConfig config;
    private final JobStore store;
    private final JobQueue queue;
    private final String consumer;
    private final JobExecutor executor;
    private final Notifier notifier;
    private final S3Objects objects;
    private final JobMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final ConcurrentMap<String, RunningJob> active;
    private final BooleanSupplier running;
    private final Runnable onFinished;
    private StatefulRedisConnection<String, String> connection;

    WorkerLoop(TranscodeJobsConfig config, JobStore store, JobQueue queue, String consumer, JobExecutor executor,
            Notifier notifier, S3Objects objects, JobMetrics metrics, ScheduledExecutorService scheduler,
            ConcurrentMap<String, RunningJob> active, BooleanSupplier running, Runnable onFinished) {
        this.config = config;
        this.store = store;
        this.queue = queue;
        this.consumer = consumer;
        this.executor = executor;
        this.notifier = notifier;
        this.objects = objects;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.active = active;
        this.running = running;
        this.onFinished = onFinished;
    }

    @Override
    public void run() {
        long pause = 100;
        try {
            while (running.getAsBoolean()) {
                try {
                    if (connection == null) {
                        connection = store.client().connect();
                    }
                    JobQueue.Entry e = next(connection.sync());
                    if (e != null && !running.getAsBoolean()) {
                        // delivered while this worker began to stop: hand it back instead of starting it
                        store.workerScript(Lua.RETURN, e.jobId(), e.id(), consumer);
                    } else if (e != null) {
                        handle(e);
                    }
                    pause = 100;
                } catch (RedisException | TranscodeJobsBackendException ex) {
                    if (!running.getAsBoolean()) {
                        break;
                    }
                    if (JobQueue.isNoGroup(ex)) {
                        LOG.warn("{}: the consumer group is gone (Redis lost its data?); creating it again", consumer);
                        try {
                            JobQueue.ensureGroup(store.keys(), store.redis());
                        } catch (RedisException again) {
                            LOG.debug("cannot create the group yet: {}", again.toString());
                        }
                    } else {
                        LOG.warn("{}: Redis failed ({}); retrying in {} ms", consumer, ex.toString(), pause);
                    }
                    sleep(pause);
                    pause = Math.min(5_000, pause * 2);
                }
            }
        } finally {
            if (connection != null) {
                connection.closeAsync();
            }
        }
    }

    private JobQueue.Entry next(RedisCommands<String, String> conn) {
        JobQueue.Entry e = JobQueue.read(store.keys(), conn, consumer, config.pollTimeout());
        if (e == null && running.getAsBoolean()) {
            e = queue.autoclaim(consumer, config.claimIdleTimeout());
            if (e != null) {
                LOG.info("{}: took over job {} (entry {}) from a worker idle over {}", consumer, e.jobId(), e.id(),
                        config.claimIdleTimeout());
            }
        }
        return e;
    }

    void handle(JobQueue.Entry e) {
        if (e.jobId() == null || !JobId.isValid(e.jobId())) {
            LOG.warn("{}: stream entry {} has no valid job id; dropping it", consumer, e.id());
            store.redis().xack(store.keys().stream(), Keys.GROUP, e.id());
            store.redis().xdel(store.keys().stream(), e.id());
            return;
        }
        List<Object> r = store.workerScript(Lua.START, e.jobId(), e.id(), consumer);
        String what = (String) r.get(0);
        switch (what) {
            case "run" -> run(e, hashOf(r));
            case "notify" -> notifyOwner(e.jobId(), e.id());
            default -> LOG.debug("{}: job {} not run: {}", consumer, e.jobId(), r);
        }
    }

    /** The job hash the start script returns after its status and attempt (name, value, ...). */
    private static Map<String, String> hashOf(List<Object> r) {
        Map<String, String> h = new java.util.HashMap<>();
        for (int i = 2; i + 1 < r.size(); i += 2) {
            h.put(String.valueOf(r.get(i)), String.valueOf(r.get(i + 1)));
        }
        return h;
    }

    private void run(JobQueue.Entry e, Map<String, String> hash) {
        Instant started = Instant.now();
        RunningJob job = new RunningJob(e.jobId(), e.id(), consumer, hash);
        if (job.view.createdAt() != null && job.view.attempts() <= 1) {
            metrics.queueWait(Duration.between(job.view.createdAt(), started));
        }
        active.put(job.jobId, job);
        long every = config.claimRefreshInterval().toMillis();
        ScheduledFuture<?> refresher = scheduler.scheduleWithFixedDelay(() -> refresh(job), every, every,
                TimeUnit.MILLISECONDS);
        if ("1".equals(hash.get(JobCodec.CANCEL))) {
            job.requestStop(RunningJob.Stop.CANCEL);
        }
        JobExecutor.Outcome outcome = null;
        String result;
        try {
            LOG.info("{}: job {} attempt {}: {} -> {}", consumer, job.jobId, job.view.attempts(), job.view.inputKey(),
                    job.view.preset());
            outcome = executor.execute(job, new Progress(job));
            job.checkStop();
            job.finishing = true;
            List<Object> r = store.workerScript(Lua.COMPLETE, job.jobId, job.entryId, consumer, outcome.outputKey(),
                    Long.toString(outcome.outputSize()), outcome.encoder() == null ? "" : outcome.encoder());
            result = (String) r.get(0);
            if (result.equals("gone") || result.equals("cancelled")) {
                executor.discard(job, outcome);
                removeInput(job, result.equals("gone"));
            } else if (result.equals("notify") || result.equals("final")) {
                removeInput(job, false);
                if (result.equals("notify")) {
                    notifyOwner(job.jobId, job.entryId);
                }
                result = "completed";
            }
        } catch (RunningJob.Stopped | TranscodeCancelledException stopped) {
            result = stopped(job, outcome);
        } catch (RedisException ex) {
            refresher.cancel(false);
            throw ex;
        } catch (Exception ex) {
            job.finishing = true;
            if (job.stop() != RunningJob.Stop.NONE) {
                result = stopped(job, outcome);
            } else {
                String reason = ex.getMessage() == null ? ex.toString() : ex.getClass().getSimpleName() + ": "
                        + ex.getMessage();
                LOG.warn("{}: job {} attempt {} failed: {}", consumer, job.jobId, job.view.attempts(), reason);
                List<Object> r = store.workerScript(Lua.FAIL, job.jobId, job.entryId, consumer, shorten(reason));
                result = (String) r.get(0);
                if (result.equals("notify")) {
                    notifyOwner(job.jobId, job.entryId);
                    result = "failed";
                } else if (result.equals("final")) {
                    result = "failed";
                }
            }
        } finally {
            refresher.cancel(false);
            active.remove(job.jobId, job);
        }
        metrics.finished(result, Duration.between(started, Instant.now()));
        onFinished.run();
        LOG.info("{}: job {} {}", consumer, job.jobId, result);
    }

    private String stopped(RunningJob job, JobExecutor.Outcome outcome) {
        switch (job.stop()) {
            case RELEASE -> {
                List<Object> r = store.workerScript(Lua.RELEASE, job.jobId, job.entryId, consumer);
                return "released:" + r.get(0);
            }
            case LOST -> {
                return "lost";
            }
            default -> {
                List<Object> r = store.workerScript(Lua.CANCELLED, job.jobId, job.entryId, consumer);
                if (outcome != null) {
                    executor.discard(job, outcome);
                }
                if ("gone".equals(r.get(0))) {
                    removeInput(job, true);
                }
                return "cancelled";
            }
        }
    }

    private void removeInput(RunningJob job, boolean gone) {
        if (config.keepRawInput() && !gone) {
            return;
        }
        try {
            objects.delete(config.bucket(), job.view.inputKey());
            if (!gone) {
                store.workerScript(Lua.INPUT_REMOVED, job.jobId, job.entryId, consumer);
            }
        } catch (RuntimeException ex) {
            LOG.warn("{}: job {}: could not remove the raw input {}: {}", consumer, job.jobId, job.view.inputKey(),
                    ex.toString());
        }
    }

    private void refresh(RunningJob job) {
        try {
            if (job.finishing) {
                return;
            }
            if (!queue.refresh(consumer, job.entryId) && !job.finishing) {
                LOG.warn("{}: job {} was taken over by another worker; stopping", consumer, job.jobId);
                job.requestStop(RunningJob.Stop.LOST);
                return;
            }
            if ("1".equals(store.redis().hget(store.keys().job(job.jobId), JobCodec.CANCEL))
                    || store.redis().exists(store.keys().job(job.jobId)) == 0) {
                job.requestStop(RunningJob.Stop.CANCEL);
            }
        } catch (RuntimeException ex) {
            LOG.warn("{}: refreshing the claim of job {} failed: {}", consumer, job.jobId, ex.toString());
        }
    }

    /** Sends the notice with retries, records its outcome and acknowledges the entry. */
    void notifyOwner(String jobId, String entryId) {
        JobView v = JobCodec.view(store.hash(new JobId(jobId)));
        String outcome = NotificationState.SENT.name();
        String error = "";
        if (v != null && v.email() != null) {
            Optional<URI> link = Optional.empty();
            Duration backoff = config.notifyBackoff();
            for (int attempt = 1; attempt <= config.notifyAttempts(); attempt++) {
                try {
                    if (v.state() == JobState.COMPLETED && v.outputKey() != null && link.isEmpty()) {
                        link = Optional.of(objects.presignGet(config.bucket(), v.outputKey(), config.linkExpiry()));
                    }
                    notifier.notify(v, link);
                    outcome = NotificationState.SENT.name();
                    error = "";
                    break;
                } catch (RuntimeException ex) {
                    outcome = NotificationState.FAILED.name();
                    error = "attempt " + attempt + ": " + ex.getMessage();
                    LOG.warn("{}: notice for job {} failed ({}/{}): {}", consumer, jobId, attempt,
                            config.notifyAttempts(), ex.getMessage());
                    if (attempt < config.notifyAttempts()) {
                        sleep(backoff.toMillis());
                        backoff = backoff.multipliedBy(2);
                    }
                }
            }
        }
        store.workerScript(Lua.NOTIFIED, jobId, entryId, consumer, outcome, shorten(error));
    }

    private static String shorten(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Throttled progress writes: every progressInterval or progressStep percent, asynchronously. */
    private final class Progress implements JobExecutor.ProgressSink {
        private final RunningJob job;
        private long lastAt;
        private double lastPercent = -100;
        private String lastEncoder = "";

        Progress(RunningJob job) {
            this.job = job;
        }

        @Override
        public synchronized void progress(double percent, String encoder) {
            long now = System.nanoTime();
            String enc = encoder == null ? "" : encoder;
            if (now - lastAt < config.progressInterval().toNanos() && percent - lastPercent < config.progressStep()
                    && enc.equals(lastEncoder)) {
                return;
            }
            lastAt = now;
            lastPercent = percent;
            lastEncoder = enc;
            String p = String.format(java.util.Locale.ROOT, "%.1f", Math.max(0, Math.min(100, percent)));
            Lua.PROGRESS.runAsync(store.async(), new String[] {store.keys().job(job.jobId)}, consumer, p, enc)
                    .exceptionally(ex -> {
                        LOG.debug("progress write failed: {}", ex.toString());
                        return null;
                    });
        }
    }
}
