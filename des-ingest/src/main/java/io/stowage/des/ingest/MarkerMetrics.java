package io.stowage.des.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The marker's meters, named so that a Prometheus registry exposes exactly the names of DES-INGEST.md section 6:
 * {@code des_marker_entries_marked_total{status}}, {@code des_marker_errors_total{error_type}},
 * {@code des_marker_retries_total{attempt}}, {@code des_marker_dlq_entries_total}, {@code des_marker_batch_size},
 * {@code des_marker_rate_limit_ops_per_sec}, {@code des_marker_batch_duration_seconds} (histogram).
 */
final class MarkerMetrics {
    static final String MARKED = "des.marker.entries.marked";
    static final String ERRORS = "des.marker.errors";
    static final String RETRIES = "des.marker.retries";
    static final String DLQ = "des.marker.dlq.entries";
    static final String BATCH_SIZE = "des.marker.batch.size";
    static final String RATE_LIMIT = "des.marker.rate.limit.ops.per.sec";
    static final String BATCH_DURATION = "des.marker.batch.duration";

    private final MeterRegistry registry;
    private final Counter marked;
    private final Counter retry;
    private final Counter failed;
    private final Counter transientErrors;
    private final Counter permanentErrors;
    private final Counter dlq;
    private final Timer batchDuration;
    private final AtomicInteger batchSize = new AtomicInteger();

    MarkerMetrics(MeterRegistry registry, double rateLimit) {
        this.registry = registry;
        this.marked = status("marked");
        this.retry = status("retry");
        this.failed = status("failed");
        this.transientErrors = Counter.builder(ERRORS).tag("error_type", "transient")
                .description("Catalogue rows or batches that failed with a transient database error").register(registry);
        this.permanentErrors = Counter.builder(ERRORS).tag("error_type", "permanent")
                .description("Catalogue rows or batches that failed with a permanent error").register(registry);
        this.dlq = Counter.builder(DLQ).description("Rows written to the marker DLQ").register(registry);
        this.batchDuration = Timer.builder(BATCH_DURATION).description("Wall time of one marker batch")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        Gauge.builder(BATCH_SIZE, batchSize, AtomicInteger::get).description("Rows claimed by the last batch")
                .register(registry);
        Gauge.builder(RATE_LIMIT, () -> rateLimit).description("Configured marker rate limit (0: none)")
                .register(registry);
    }

    private Counter status(String s) {
        return Counter.builder(MARKED).tag("status", s).description("Catalogue rows by the status they were given")
                .register(registry);
    }

    void batch(MarkerBatchReport r) {
        marked.increment(r.marked());
        retry.increment(r.retried());
        failed.increment(r.failed());
        dlq.increment(r.dlq());
        batchSize.set(r.claimed());
        batchDuration.record(r.took());
    }

    void error(boolean isTransient) {
        (isTransient ? transientErrors : permanentErrors).increment();
    }

    void retry(int attempt) {
        Counter.builder(RETRIES).tag("attempt", Integer.toString(attempt))
                .description("Transient failures of a catalogue row, by attempt").register(registry).increment();
    }
}
