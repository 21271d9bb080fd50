package io.stowage.service.des;

import com.fasterxml.jackson.databind.node.NullNode;
import io.stowage.service.HealthFormat;
import io.stowage.service.HealthReport;
import io.stowage.service.ProbeResult;
import io.stowage.service.ProbeStatus;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The health answers of the existing DES services (DES-INGEST.md section 5): {@code /health/live}
 * {@code {"status":"ok","uptime":N}}; {@code /health/ready} {@code {"status": healthy|degraded|unhealthy, "timestamp",
 * "checks": {"database": {"status","latency_ms"}, "s3": {...}, "shard_locks": {"status","held","expired",
 * "latency_ms"}, "source_providers": {"status","enabled","connected","latency_ms"}}, "uptime_seconds",
 * "last_processed"}}, 200 only when healthy, else 503. A probe's details become fields of its check; the
 * {@code last_processed} detail (of the database probe) moves to the top level.
 */
final class DesHealth implements HealthFormat {
    static final String LAST_PROCESSED = "last_processed";

    static String word(ProbeStatus s) {
        return switch (s) {
            case UP -> "healthy";
            case DEGRADED -> "degraded";
            case DOWN -> "unhealthy";
        };
    }

    @Override
    public Answer live(Duration uptime) {
        return new Answer(200, Map.of("status", "ok", "uptime", uptime.toMillis() / 1000.0));
    }

    @Override
    public Answer ready(HealthReport r) {
        Map<String, Object> checks = new LinkedHashMap<>();
        Object lastProcessed = null;
        for (ProbeResult c : r.checks()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("status", word(c.status()));
            for (Map.Entry<String, Object> d : c.details().entrySet()) {
                if (d.getKey().equals(LAST_PROCESSED)) {
                    lastProcessed = d.getValue();
                } else {
                    one.put(d.getKey(), d.getValue());
                }
            }
            one.put("latency_ms", c.latency().toNanos() / 1e6);
            if (c.error() != null) {
                one.put("error", c.error());
            }
            checks.put(c.name(), one);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", word(r.status()));
        body.put("timestamp", r.timestamp().toString());
        body.put("checks", checks);
        body.put("uptime_seconds", r.uptime().toMillis() / 1000.0);
        // JSON null when nothing was uploaded yet (the service's mapper leaves Java nulls out; clients expect the key)
        body.put(LAST_PROCESSED, lastProcessed == null ? NullNode.getInstance() : lastProcessed);
        return new Answer(r.status() == ProbeStatus.UP ? 200 : 503, body);
    }
}
