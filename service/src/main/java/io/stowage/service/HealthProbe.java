package io.stowage.service;

import java.time.Duration;
import java.util.Objects;

/**
 * One readiness check: Redis answers {@code PING}, the bucket exists, ffmpeg starts, the database answers. The server
 * runs all probes of {@code /health/ready} in parallel, each bounded by the probe timeout (a probe that hangs is
 * {@code DOWN}, the request does not hang). A probe that is not {@link #critical()} makes the report {@code DEGRADED}
 * rather than {@code DOWN}.
 *
 * <pre>{@code
 * HealthProbe redis = HealthProbe.of("redis", () -> connection.sync().ping());
 * HealthProbe locks = HealthProbe.of("shard_locks", () -> ProbeResult.up("shard_locks", Duration.ZERO)
 *         .withDetails(Map.of("held", 3))).nonCritical();
 * }</pre>
 *
 * <p>Implementations must be thread-safe: probes of concurrent requests run at the same time.
 */
public interface HealthProbe {
    /** The name in the report. */
    String name();

    /**
     * Checks once. Throwing means {@code DOWN} with the exception's message; returning lets the probe report
     * {@code DEGRADED} or extra facts.
     */
    ProbeResult check() throws Exception;

    /** Whether a failure makes the service not ready ({@code DOWN}) rather than {@code DEGRADED}; default true. */
    default boolean critical() {
        return true;
    }

    /** A copy of this probe that only degrades the report when it fails. */
    default HealthProbe nonCritical() {
        HealthProbe self = this;
        return new HealthProbe() {
            @Override
            public String name() {
                return self.name();
            }

            @Override
            public ProbeResult check() throws Exception {
                return self.check();
            }

            @Override
            public boolean critical() {
                return false;
            }
        };
    }

    /** A probe that is {@code UP} when {@code check} returns and {@code DOWN} when it throws. */
    static HealthProbe of(String name, Check check) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        return new HealthProbe() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ProbeResult check() throws Exception {
                long t0 = System.nanoTime();
                check.run();
                return ProbeResult.up(name, Duration.ofNanos(System.nanoTime() - t0));
            }
        };
    }

    /** A check that throws when the dependency does not work. */
    @FunctionalInterface
    interface Check {
        /** Runs the check; any exception means {@code DOWN}. */
        void run() throws Exception;
    }
}
