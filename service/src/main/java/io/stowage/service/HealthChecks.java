package io.stowage.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a list of {@link HealthProbe}s in parallel, each bounded by a timeout, into a {@link HealthReport}. The server
 * answers {@code /health/ready} with it; a service with its own report format ({@code serve des}) calls
 * {@link #check()} itself.
 *
 * <pre>{@code
 * HealthChecks checks = HealthChecks.create(List.of(redisProbe, s3Probe), Duration.ofSeconds(5));
 * HealthReport r = checks.check();
 * }</pre>
 *
 * <p>Thread-safe: concurrent {@link #check()} calls run their probes independently. {@link #close()} stops the
 * probe threads.
 */
public final class HealthChecks implements AutoCloseable {
    private final List<HealthProbe> probes;
    private final Duration timeout;
    private final Instant started = Instant.now();
    private final ExecutorService executor;

    private HealthChecks(List<HealthProbe> probes, Duration timeout) {
        this.probes = List.copyOf(probes);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("probe timeout " + timeout + " must be positive");
        }
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "health-probe-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Checks over {@code probes}, each allowed {@code timeout}. */
    public static HealthChecks create(List<HealthProbe> probes, Duration timeout) {
        return new HealthChecks(probes, timeout);
    }

    /** The probes, in order. */
    public List<HealthProbe> probes() {
        return probes;
    }

    /** How long one probe may take before it counts as {@code DOWN}. */
    public Duration timeout() {
        return timeout;
    }

    /** How long since these checks were created (the server's uptime). */
    public Duration uptime() {
        return Duration.between(started, Instant.now());
    }

    /** Runs every probe in parallel; returns within about the timeout even when probes hang. */
    public HealthReport check() {
        List<Future<ProbeResult>> futures = new ArrayList<>();
        long t0 = System.nanoTime();
        for (HealthProbe p : probes) {
            futures.add(executor.submit(() -> run(p)));
        }
        long deadline = t0 + timeout.toNanos();
        List<ProbeResult> results = new ArrayList<>();
        ProbeStatus overall = ProbeStatus.UP;
        for (int i = 0; i < probes.size(); i++) {
            HealthProbe p = probes.get(i);
            Future<ProbeResult> f = futures.get(i);
            ProbeResult r;
            try {
                r = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                r = ProbeResult.down(p.name(), timeout, "no answer within " + timeout.toMillis() + " ms");
            } catch (ExecutionException e) {
                r = ProbeResult.down(p.name(), Duration.ofNanos(System.nanoTime() - t0), String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r = ProbeResult.down(p.name(), Duration.ofNanos(System.nanoTime() - t0), "interrupted");
            }
            if (r.status() == ProbeStatus.DOWN && !p.critical()) {
                r = r.withStatus(ProbeStatus.DEGRADED);
            }
            results.add(r);
            if (r.status() == ProbeStatus.DOWN) {
                overall = ProbeStatus.DOWN;
            } else if (r.status() == ProbeStatus.DEGRADED && overall == ProbeStatus.UP) {
                overall = ProbeStatus.DEGRADED;
            }
        }
        return new HealthReport(overall, Instant.now(), uptime(), results);
    }

    private static ProbeResult run(HealthProbe p) {
        long t0 = System.nanoTime();
        try {
            ProbeResult r = p.check();
            return r != null ? r : ProbeResult.up(p.name(), Duration.ofNanos(System.nanoTime() - t0));
        } catch (Exception e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": "
                    + e.getMessage();
            return ProbeResult.down(p.name(), Duration.ofNanos(System.nanoTime() - t0), m);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
