/**
 * Thin HTTP adapters (Javalin 7 on Jetty 12): {@link io.stowage.service.ServiceServer} (port, error mapping,
 * Prometheus {@code /metrics}, health probes) shared by {@code stowage serve transcode} and {@code stowage serve des};
 * JWT and OAuth login; the transcoding API and web page.
 */
module io.stowage.service {
    requires transitive io.javalin;
    requires transitive micrometer.core;
    requires transitive micrometer.registry.prometheus;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;
    requires com.nimbusds.jose.jwt;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;
    requires io.stowage.transcode.jobs;
    requires io.stowage.des.ingest;
    requires io.stowage.s3;
    requires org.apache.commons.fileupload2.core;
    requires org.apache.commons.fileupload2.jakarta.servlet6;
    requires jakarta.servlet;

    exports io.stowage.service;
    exports io.stowage.service.transcode;
    exports io.stowage.service.des;

    opens io.stowage.service to com.fasterxml.jackson.databind;
    opens io.stowage.service.internal to com.fasterxml.jackson.databind;
    opens io.stowage.service.transcode to com.fasterxml.jackson.databind;
    opens io.stowage.service.des to com.fasterxml.jackson.databind;
}
