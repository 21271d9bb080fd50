package io.stowage.es;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.stowage.s3.S3Settings;
import io.stowage.testing.EmbeddedS3Extension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 segment store against a real S3 endpoint (S3Proxy over HTTP), and transient failures injected by a real
 * HTTP proxy (WireMock) in front of it.
 */
class EsS3StoreTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    @TempDir
    Path tmp;

    private WireMockServer proxy;

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.stop();
        }
    }

    private void upload(String prefix) throws Exception {
        for (String key : Vectors.keys()) {
            S3.client().putObject(b -> b.bucket(S3.bucket()).key(prefix + key),
                    RequestBody.fromFile(Vectors.segments().resolve(key)));
        }
    }

    private EsToTsParser parser(S3Client client, String prefix, EsFetchOptions o) {
        return EsToTsParser.create(EsSegmentStore.s3(client, S3.bucket(), prefix), o);
    }

    @Test
    void fullRangeFromS3InParallelIsByteIdentical() throws Exception {
        upload("cams/cam-01/");
        Path out = tmp.resolve("s3.ts");
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        EsFetchReport r = parser(S3.client(), "cams/cam-01", EsFetchOptions.defaults().withWorkers(4).withWindow(4)
                .withListener(new EsFetchListener() {
                    @Override
                    public void onSegment(EsSegment segment, long bytesSoFar) {
                        order.add(segment.key());
                    }
                }))
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out);
        Vectors.assertSameBytes(Files.readAllBytes(out), Vectors.expectedFull());
        assertThat(r.complete()).isTrue();
        assertThat(r.source()).isEqualTo("s3://" + S3.bucket() + "/cams/cam-01/");
        assertThat(order).isEqualTo(Vectors.keys());
    }

    @Test
    void spooledToDiskAndListedGivesTheSameBytes() throws Exception {
        upload("");
        Path out = tmp.resolve("spooled.ts");
        EsFetchReport r = parser(S3.client(), "", EsFetchOptions.defaults().withWorkers(3).withSpoolMemory(1000)
                .withListing(true)).fetch(Vectors.FIRST_START, Vectors.LAST_END, out);
        Vectors.assertSameBytes(Files.readAllBytes(out), Vectors.expectedFull());
        assertThat(r.segmentsExpected()).isEqualTo(7);
        try (var files = Files.list(tmp)) {
            assertThat(files.filter(p -> p.toString().endsWith(".spool"))).isEmpty();
        }
    }

    @Test
    void missingObjectIsAGap() throws Exception {
        upload("p/");
        String gone = Vectors.keys().get(4);
        S3.client().deleteObject(b -> b.bucket(S3.bucket()).key("p/" + gone));
        Path out = tmp.resolve("gap.ts");
        EsFetchReport r = parser(S3.client(), "p", EsFetchOptions.defaults().withWorkers(8))
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out);
        assertThat(r.missing()).containsExactly(gone);
        assertThat(r.gaps()).hasSize(1);
        assertThat(TsChecker.create().check(out).ccErrors()).isZero();
    }

    /** A WireMock proxy in front of the S3 endpoint; keys under {@code p/} can be made to fail. */
    private S3Client clientThroughProxy() {
        URI target = S3.server().endpoint();
        proxy = new WireMockServer(options().dynamicPort().preserveHostHeader(true));
        proxy.start();
        proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(target.toString())));
        S3Settings s = S3.server().settings().withEndpoint(URI.create(proxy.baseUrl())).withSdkMaxAttempts(1);
        return s.newClient();
    }

    private String path(String key) {
        return "/" + S3.bucket() + "/p/" + key;
    }

    @Test
    void transientErrorsAreRetriedAndPersistentOnesReported() throws Exception {
        upload("p/");
        List<String> keys = Vectors.keys();
        try (S3Client client = clientThroughProxy()) {
            // keys[1]: two 503 SlowDown, then served
            proxy.stubFor(get(urlPathEqualTo(path(keys.get(1)))).atPriority(1).inScenario("slow")
                    .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("once")
                    .willReturn(aResponse().withStatus(503).withBody("<Error><Code>SlowDown</Code></Error>")));
            proxy.stubFor(get(urlPathEqualTo(path(keys.get(1)))).atPriority(1).inScenario("slow")
                    .whenScenarioStateIs("once").willSetStateTo("served")
                    .willReturn(aResponse().withStatus(503).withBody("<Error><Code>SlowDown</Code></Error>")));
            // keys[2]: connection reset part way through the body, then served
            proxy.stubFor(get(urlPathEqualTo(path(keys.get(2)))).atPriority(1).inScenario("reset")
                    .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("served")
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Length", "91324")
                            .withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
            // keys[3]: always 500
            proxy.stubFor(get(urlPathEqualTo(path(keys.get(3)))).atPriority(1)
                    .willReturn(aResponse().withStatus(500).withBody("<Error><Code>InternalError</Code></Error>")));
            // keys[5]: 403, not retried
            proxy.stubFor(get(urlPathEqualTo(path(keys.get(5)))).atPriority(1)
                    .willReturn(aResponse().withStatus(403).withBody("<Error><Code>AccessDenied</Code></Error>")));

            List<String> retries = Collections.synchronizedList(new ArrayList<>());
            Path out = tmp.resolve("faults.ts");
            EsFetchReport r = parser(client, "p", EsFetchOptions.defaults().withWorkers(4)
                    .withRetries(3, Duration.ofMillis(10))
                    .withListener(new EsFetchListener() {
                        @Override
                        public void onRetry(String key, int attempt, long delayMillis, String reason) {
                            retries.add(key);
                        }
                    }))
                    .fetch(Vectors.FIRST_START, Vectors.LAST_END, out);

            assertThat(r.missing()).isEmpty();
            assertThat(r.failed()).extracting(EsFailure::key, EsFailure::attempts)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(keys.get(3), 3),
                            org.assertj.core.groups.Tuple.tuple(keys.get(5), 1));
            assertThat(r.failed().get(0).reason()).contains("500");
            assertThat(r.failed().get(1).reason()).contains("403");
            assertThat(r.segmentsFetched()).isEqualTo(5);
            assertThat(r.gaps()).extracting(EsGap::reason).containsExactly("failed segment", "failed segment");
            assertThat(retries).containsOnly(keys.get(1), keys.get(2), keys.get(3));
            proxy.verify(3, getRequestedFor(urlPathEqualTo(path(keys.get(1)))));
            proxy.verify(2, getRequestedFor(urlPathEqualTo(path(keys.get(2)))));
            proxy.verify(1, getRequestedFor(urlPathEqualTo(path(keys.get(5)))));

            byte[] want = Vectors.payloadOfKeys(List.of(keys.get(0), keys.get(1), keys.get(2), keys.get(4),
                    keys.get(6)));
            Vectors.assertSameBytes(Vectors.withoutInsertedDiscontinuities(Files.readAllBytes(out)), want);
            assertThat(TsChecker.create().check(out).ccErrors()).isZero();
            assertThat(Ffmpeg.decode(out).continuityErrors()).isZero();
        }
    }
}
