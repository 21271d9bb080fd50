package io.stowage.transcode.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's meters: queue depth, pending claims, dead letters and jobs by state (gauges over a snapshot
 * refreshed every 5 s on a daemon thread, so a scrape never waits for Redis), job durations and outcomes. Thread-safe.
 */
final class JobMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobMetrics.class);
    static final String PREFIX = "stowage.transcode.jobs";

    /**
     * The gauges' values, one set per registry: a service and its in-process workers share a registry, and
     * Micrometer keeps only the first gauge of a name (it warned and ignored the second, whose values then went
     * nowhere). Every instance's refresher writes the shared set, so the gauges stay fed while any instance lives.
     */
    private static final Map<MeterRegistry, Gauges> GAUGES = Collections.synchronizedMap(new WeakHashMap<>());

    private final MeterRegistry registry;
    private final Gauges gauges;
    private final ScheduledExecutorService refresher;

    /** Values behind the gauges of one registry (holds no reference to the registry: a weak map's value). */
    private static final class Gauges {
        final AtomicLong waiting = new AtomicLong();
        final AtomicLong claimed = new AtomicLong();
        final AtomicLong dead = new AtomicLong();
        final Map<JobState, AtomicLong> byState = new EnumMap<>(JobState.class);

        Gauges(MeterRegistry registry) {
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
        }
    }

    JobMetrics(MeterRegistry registry, JobQueue queue, JobStore store) {
        this.registry = registry;
        this.gauges = GAUGES.computeIfAbsent(registry, Gauges::new);
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "transcode-jobs-metrics");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(() -> {
            try {
                QueueStats q = queue.stats();
                gauges.waiting.set(q.waiting());
                gauges.claimed.set(q.claimed());
                gauges.dead.set(q.deadLetters());
                store.countByState().forEach((s, n) -> gauges.byState.get(s).set(n));
            } catch (RuntimeException e) {
                LOG.debug("metrics refresh failed: {}", e.toString());
            }
        }, 0, 5, TimeUnit.SECONDS);
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
        refresher.shutdownNow();
    }
}
