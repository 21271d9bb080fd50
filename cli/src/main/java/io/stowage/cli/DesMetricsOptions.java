package io.stowage.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stowage.des.ingest.IngestDatabase;
import io.stowage.service.ServiceServer;
import io.stowage.service.des.DesMetricsServer;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * {@code --metrics-port} and {@code --metrics-host} of the des-ingest workers ({@code des marker},
 * {@code des packer}): {@code /metrics} and {@code /health*} of this process. The port falls back to
 * {@code DES_METRICS_PORT}, as the existing workers read it. A picocli mixin:
 *
 * <pre>{@code
 * @CommandLine.Mixin
 * DesMetricsOptions metrics;
 * ...
 * try (ServiceServer s = metrics.start(registry, db, err)) { ... }   // null when no port is given
 * }</pre>
 *
 * <p>Not thread-safe: filled by picocli, then read by the command's thread.
 */
final class DesMetricsOptions {
    @Option(names = "--metrics-port", paramLabel = "P", description = "Serve /metrics and /health/* of this worker "
            + "on this port (default: $DES_METRICS_PORT; none when unset).")
    Integer metricsPort;

    @Option(names = "--metrics-host", paramLabel = "ADDR", defaultValue = "0.0.0.0", description = "Address of the "
            + "metrics port (default 0.0.0.0).")
    String metricsHost;

    /** Starts the metrics server, or returns null when neither {@code --metrics-port} nor the variable is given. */
    ServiceServer start(PrometheusMeterRegistry registry, IngestDatabase db, PrintWriter err) {
        Integer p = metricsPort;
        String env = System.getenv("DES_METRICS_PORT");
        if (p == null && env != null && !env.isBlank()) {
            try {
                p = Integer.parseInt(env.strip());
            } catch (NumberFormatException e) {
                throw CliException.usage("DES_METRICS_PORT=" + env + " is not a port number");
            }
        }
        if (p == null) {
            return null;
        }
        ServiceServer s = DesMetricsServer.start(metricsHost, p, registry, db);
        err.println("metrics: " + s.url() + "/metrics");
        err.flush();
        return s;
    }
}
