package io.stowage.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The readiness of a service: every probe's result and the overall status ({@code DOWN} when a critical probe is
 * down, {@code DEGRADED} when any probe is not up, else {@code UP}).
 *
 * <p>{@code HealthReport r = server.health().check(); r.status();}
 *
 * <p>Immutable, so thread-safe.
 *
 * @param status    the overall status
 * @param timestamp when the check ran
 * @param uptime    how long the server has been running
 * @param checks    one result per probe, in the order the probes were given
 */
public record HealthReport(ProbeStatus status, Instant timestamp, Duration uptime, List<ProbeResult> checks) {
    /** Validates and copies. */
    public HealthReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(uptime, "uptime");
        checks = List.copyOf(checks);
    }

    /** The result of the probe named {@code name}, or {@code null}. */
    public ProbeResult check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }
}
