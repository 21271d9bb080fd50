package io.stowage.service;

/**
 * The outcome of one readiness probe, and of the whole report: {@code UP}; {@code DEGRADED} (works, with problems,
 * or a non-critical probe is down); {@code DOWN}.
 *
 * <p>{@code if (report.status() == ProbeStatus.DOWN) ...}
 */
public enum ProbeStatus {
    /** Works. */
    UP,
    /** Works with problems. */
    DEGRADED,
    /** Does not work (failed, or did not answer within the probe timeout). */
    DOWN
}
