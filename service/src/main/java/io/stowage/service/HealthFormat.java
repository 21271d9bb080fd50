package io.stowage.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The answers of {@code /health/live} and {@code /health/ready}: status code and JSON body. The standard format
 * answers ready with 200 unless the report is {@code DOWN} (503); {@code serve des} supplies its own (section 5 of
 * DES-INGEST.md: {@code healthy|degraded|unhealthy}, {@code latency_ms}, {@code uptime_seconds}).
 *
 * <pre>{@code
 * ServiceServer.builder().healthFormat(myFormat)...
 * }</pre>
 *
 * <p>Implementations must be stateless and thread-safe.
 */
public interface HealthFormat {
    /** The liveness answer: the process runs and serves HTTP. */
    Answer live(Duration uptime);

    /** The readiness answer for a report. */
    Answer ready(HealthReport report);

    /** {@code {"status":"UP","uptime_s":12.3}} and {@code {"status":"UP","timestamp":...,"checks":[...]}}. */
    static HealthFormat standard() {
        return new HealthFormat() {
            @Override
            public Answer live(Duration uptime) {
                return new Answer(200, new Live(ProbeStatus.UP, uptime.toMillis() / 1000.0));
            }

            @Override
            public Answer ready(HealthReport r) {
                List<Check> checks = r.checks().stream().map(c -> new Check(c.name(), c.status(),
                        c.latency().toNanos() / 1e9, c.error(), c.details().isEmpty() ? null : c.details())).toList();
                return new Answer(r.status() == ProbeStatus.DOWN ? 503 : 200, new Ready(r.status(),
                        r.timestamp().toString(), r.uptime().toMillis() / 1000.0, checks));
            }
        };
    }

    /** An answer. @param status HTTP status @param body serialized with Jackson */
    record Answer(int status, Object body) {
    }

    /** Standard liveness body. @param status always UP @param uptimeS seconds since start */
    record Live(ProbeStatus status, double uptimeS) {
    }

    /** Standard readiness body. @param status overall @param timestamp ISO-8601 @param uptimeS seconds
     *  @param checks one per probe */
    record Ready(ProbeStatus status, String timestamp, double uptimeS, List<Check> checks) {
    }

    /** One probe in the standard body. @param name probe @param status its status @param latencyS seconds
     *  @param error why not up, or null @param details extra facts, or null */
    record Check(String name, ProbeStatus status, double latencyS, String error, Map<String, Object> details) {
    }
}
