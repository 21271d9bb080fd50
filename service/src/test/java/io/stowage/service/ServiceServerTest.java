package io.stowage.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.testing.EmbeddedS3Extension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server factory that serve transcode and serve des share, with Javalin and EmbeddedS3 (S3Proxy's Jetty) in one JVM. */
class ServiceServerTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final CountDownLatch NEVER = new CountDownLatch(1);
    static ServiceServer server;

    static final class LibraryFailure extends RuntimeException {
        LibraryFailure(String m) {
            super(m);
        }
    }

    @BeforeAll
    static void start() {
        server = ServiceServer.builder()
                .port(0)
                .probe(HealthProbe.of("s3", () -> S3.client().listBuckets()))
                .probeTimeout(Duration.ofSeconds(10))
                .mapError(LibraryFailure.class, 422)
                .routes(r -> {
                    r.get("/boom/{status}", ctx -> {
                        switch (ctx.pathParam("status")) {
                            case "400" -> throw new ServiceBadRequestException("bad part");
                            case "401" -> throw new ServiceUnauthorizedException("no token");
                            case "403" -> throw new ServiceForbiddenException("no csrf");
                            case "404" -> throw new ServiceNotFoundException("no job 7");
                            case "409" -> throw new ServiceConflictException("not finished");
                            case "413" -> throw new ServicePayloadTooLargeException("over 10 bytes");
                            case "415" -> throw new ServiceUnsupportedMediaTypeException("not media");
                            case "422" -> throw new LibraryFailure("unknown preset x");
                            case "503" -> throw new ServiceUnavailableException("redis down");
                            default -> throw new IllegalStateException("secret internals");
                        }
                    });
                })
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyServiceExceptionAnswersItsStatusWithTheErrorBody() throws Exception {
        for (String s : new String[] {"400", "401", "403", "404", "409", "413", "415", "422", "503"}) {
            HttpResponse<String> r = get("/boom/" + s);
            assertThat(r.statusCode()).as(s).isEqualTo(Integer.parseInt(s));
            JsonNode e = JSON.readTree(r.body()).get("error");
            assertThat(e.get("type").asText()).isNotBlank();
            assertThat(e.get("message").asText()).isNotBlank();
            assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        }
        assertThat(JSON.readTree(get("/boom/404").body()).at("/error/type").asText())
                .isEqualTo("ServiceNotFoundException");
        assertThat(JSON.readTree(get("/boom/422").body()).at("/error/message").asText())
                .isEqualTo("unknown preset x");
    }

    @Test
    void unexpectedFailureIs500WithoutItsMessage() throws Exception {
        HttpResponse<String> r = get("/boom/other");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("ServiceInternalError").doesNotContain("secret internals");
    }

    @Test
    void unknownRouteIsJson404() throws Exception {
        HttpResponse<String> r = get("/nothing/here");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).at("/error/type").asText()).isEqualTo("ServiceNotFoundException");
    }

    @Test
    void metricsArePrometheusTextWithRequestTimers() throws Exception {
        get("/boom/404");
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        assertThat(r.body()).contains("http_server_requests_seconds_count{method=\"GET\",status=\"404\",uri=\"/boom/{status}\"}")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void liveAndReadyWithS3InTheSameJvm() throws Exception {
        HttpResponse<String> live = get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body()).get("status").asText()).isEqualTo("UP");
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        JsonNode checks = JSON.readTree(ready.body()).get("checks");
        assertThat(checks.get(0).get("name").asText()).isEqualTo("s3");
        assertThat(checks.get(0).get("status").asText()).isEqualTo("UP");
    }

    @Test
    void aHangingProbeIsDownAfterItsTimeoutAndAFailingOneNamesTheError() {
        try (HealthChecks checks = HealthChecks.create(java.util.List.of(
                HealthProbe.of("hangs", NEVER::await),
                HealthProbe.of("fails", () -> {
                    throw new java.io.IOException("connection refused");
                }),
                HealthProbe.of("ok", () -> { })), Duration.ofMillis(300))) {
            HealthReport r = checks.check();
            assertThat(r.status()).isEqualTo(ProbeStatus.DOWN);
            assertThat(r.check("hangs").status()).isEqualTo(ProbeStatus.DOWN);
            assertThat(r.check("hangs").error()).contains("no answer within 300 ms");
            assertThat(r.check("fails").error()).contains("connection refused");
            assertThat(r.check("ok").status()).isEqualTo(ProbeStatus.UP);
        }
    }

    @Test
    void aNonCriticalProbeOnlyDegrades() {
        try (HealthChecks checks = HealthChecks.create(java.util.List.of(
                HealthProbe.of("locks", () -> {
                    throw new IllegalStateException("2 expired");
                }).nonCritical()), Duration.ofSeconds(1))) {
            HealthReport r = checks.check();
            assertThat(r.status()).isEqualTo(ProbeStatus.DEGRADED);
            assertThat(r.check("locks").status()).isEqualTo(ProbeStatus.DEGRADED);
        }
    }

    @Test
    void readyIs503WhenACriticalProbeIsDown() throws Exception {
        try (ServiceServer s = ServiceServer.builder().port(0)
                .probe(HealthProbe.of("redis", () -> {
                    throw new java.net.ConnectException("127.0.0.1:1 refused");
                })).start()) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(s.url() + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(r.body()).at("/checks/0/error").asText()).contains("refused");
        }
    }

    @Test
    void detailFormatForTheDesClients() throws Exception {
        try (ServiceServer s = ServiceServer.builder().port(0).errorFormat(ErrorFormat.detail())
                .routes(r -> r.get("/files/{name}", ctx -> {
                    throw new ServiceNotFoundException("File not found");
                })).start()) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(s.url() + "/files/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("{\"detail\":\"File not found\"}");
        }
    }

    @Test
    void aBoundedThreadPoolServes() throws Exception {
        assertThatThrownBy(() -> ServiceServer.builder().maxThreads(4)).isInstanceOf(ServiceConfigException.class);
        try (ServiceServer s = ServiceServer.builder().port(0).maxThreads(8).start()) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(s.url() + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aTakenPortIsAConfigErrorNamingIt() {
        assertThatThrownBy(() -> ServiceServer.builder().port(server.port()).start())
                .isInstanceOf(ServiceConfigException.class)
                .hasMessageContaining("--port " + server.port());
    }
}
