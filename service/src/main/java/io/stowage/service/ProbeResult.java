package io.stowage.service;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What one probe found: its name, status, how long it took, the error when it failed, and extra facts (a count of
 * held locks, for example) that a report format may show.
 *
 * <p>{@code ProbeResult.up("redis", Duration.ofMillis(2))}
 *
 * <p>Immutable, so thread-safe.
 *
 * @param name     the probe's name ({@code redis}, {@code s3}, ...)
 * @param status   what it found
 * @param latency  how long the check took (the timeout when it did not answer)
 * @param error    why it is not {@code UP}; {@code null} when it is
 * @param details  extra facts, never {@code null}
 */
public record ProbeResult(String name, ProbeStatus status, Duration latency, String error, Map<String, Object> details) {
    /** Validates and copies. */
    public ProbeResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(latency, "latency");
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** A probe that worked. */
    public static ProbeResult up(String name, Duration latency) {
        return new ProbeResult(name, ProbeStatus.UP, latency, null, Map.of());
    }

    /** A probe that failed with {@code error}. */
    public static ProbeResult down(String name, Duration latency, String error) {
        return new ProbeResult(name, ProbeStatus.DOWN, latency, error, Map.of());
    }

    /** A copy with extra facts. */
    public ProbeResult withDetails(Map<String, Object> details) {
        return new ProbeResult(name, status, latency, error, details);
    }

    /** A copy with another status (e.g. a non-critical probe that is down counts as {@code DEGRADED}). */
    public ProbeResult withStatus(ProbeStatus status) {
        return new ProbeResult(name, status, latency, error, details);
    }
}
