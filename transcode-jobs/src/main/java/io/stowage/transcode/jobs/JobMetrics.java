package io.stowage.transcode.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's meters: queue depth, pending claims, dead letters and jobs by state (gauges over a snapshot
 * refreshed every 5 s on a daemon thread, so a scrape never waits for Redis), job durations and outcomes. Thread-safe.
 *
 * <p>One instance per registry: a service and its in-process workers ({@code stowage serve transcode}) share the
 * service's instance ({@link TranscodeWorker.Builder#metricsOf(TranscodeService)}). Micrometer keeps only the first
 * gauge of a name, so a second instance on a registry that already has the gauges registers none and refreshes
 * nothing (it says so in a warning); its counters and timers still count.
 */
final class JobMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobMetrics.class);
    static final String PREFIX = "stowage.transcode.jobs";

    private final MeterRegistry registry;
    private final AtomicLong waiting = new AtomicLong();
    private final AtomicLong claimed = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private final Map<JobState, AtomicLong> byState = new EnumMap<>(JobState.class);
    /** Null when another instance feeds this registry's gauges. */
    private final ScheduledExecutorService refresher;

    JobMetrics(MeterRegistry registry, JobQueue queue, JobStore store) {
        this.registry = registry;
        if (registry.find(PREFIX + ".queue.waiting").gauge() != null) {
            LOG.warn("the registry already has the {} gauges of another service or worker: this one leaves them to "
                    + "it (they stop when it closes); in one process, build workers with "
                    + "TranscodeWorker.Builder.metricsOf(service)", PREFIX);
            this.refresher = null;
            return;
        }
        Gauge.builder(PREFIX + ".queue.waiting", waiting, AtomicLong::get)
                .description("queued jobs no worker has received yet").register(registry);
        Gauge.builder(PREFIX + ".queue.claimed", claimed, AtomicLong::get)
                .description("jobs received by a worker and not yet acknowledged").register(registry);
        Gauge.builder(PREFIX + ".queue.dead", dead, AtomicLong::get)
                .description("entries in the dead-letter stream").register(registry);
        for (JobState s : JobState.values()) {
            AtomicLong v = new AtomicLong();
            byState.put(s, v);
            Gauge.builder(PREFIX + ".state", v, AtomicLong::get).tag("state", s.name())
                    .description("unexpired jobs in this state").register(registry);
        }
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "transcode-jobs-metrics");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(() -> {
            try {
                QueueStats q = queue.stats();
                waiting.set(q.waiting());
                claimed.set(q.claimed());
                dead.set(q.deadLetters());
                store.countByState().forEach((s, n) -> byState.get(s).set(n));
            } catch (RuntimeException e) {
                LOG.debug("metrics refresh failed: {}", e.toString());
            }
        }, 0, 5, TimeUnit.SECONDS);
    }

    /** Whether this instance feeds the registry's gauges (false: another instance registered them first). */
    boolean feedsGauges() {
        return refresher != null;
    }

    void submitted(String outcome) {
        Counter.builder(PREFIX + ".submitted").tag("outcome", outcome).register(registry).increment();
    }

    void finished(String outcome, Duration runTime) {
        Timer.builder(PREFIX + ".duration").tag("outcome", outcome)
                .description("time from a worker's start of a job to its final state").register(registry)
                .record(runTime);
    }

    void queueWait(Duration wait) {
        Timer.builder(PREFIX + ".queue.wait").description("time from submit to a worker's start")
                .register(registry).record(wait);
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }
}
