package io.stowage.service.des;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stowage.des.ingest.IngestDatabase;
import io.stowage.service.ErrorFormat;
import io.stowage.service.ServiceServer;

import java.time.Duration;

/**
 * {@code --metrics-port} of {@code stowage des marker} and {@code des packer}: {@code /metrics} (the process's
 * registry, section-6 names), {@code /health}, {@code /health/live} and {@code /health/ready} (the metadata database)
 * in the DES services' format, through the same {@link ServiceServer} as {@code serve des}.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * try (ServiceServer metrics = DesMetricsServer.start("0.0.0.0", 9101, registry, db)) { marker.run(); }
 * }</pre>
 */
public final class DesMetricsServer {
    private DesMetricsServer() {
    }

    /** Starts serving; close the returned server to stop. */
    public static ServiceServer start(String host, int port, PrometheusMeterRegistry registry, IngestDatabase db) {
        return ServiceServer.builder().host(host).port(port).registry(registry).jvmMetrics(true)
                .errorFormat(ErrorFormat.detail()).healthFormat(new DesHealth()).probeTimeout(Duration.ofSeconds(5))
                .probe(DesServer.database(db))
                .routes(r -> r.get("/health", ctx -> ctx.json(java.util.Map.of("status", "ok"))))
                .start();
    }
}
