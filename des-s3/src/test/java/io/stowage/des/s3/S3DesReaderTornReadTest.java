package io.stowage.des.s3;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.stowage.des.DesChecksumException;
import io.stowage.s3.S3Settings;
import io.stowage.testing.EmbeddedS3Extension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A store that replaces an object non-atomically (S3Proxy's filesystem backend, for a moment) can answer a ranged GET
 * with {@code If-Match: old} with the new object's bytes under the old ETag. A fault-injecting proxy (WireMock, in
 * front of EmbeddedS3) makes that happen on demand: the reader's checksum catches the bytes, a HEAD shows the new
 * ETag, and the read is repeated from the new index instead of failing. With the ETag unchanged, a checksum failure
 * stays a failure (corruption, never wrong bytes).
 */
class S3DesReaderTornReadTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    static WireMockServer proxy;
    static S3Client viaProxy;
    static final Torn TORN = new Torn();
    static final OldETag OLD_ETAG = new OldETag();
    @TempDir
    Path tmp;

    /** The next {@code left} payload GETs (ranged, with If-Match) go to the store without their If-Match. */
    static final class Torn implements ResponseDefinitionTransformerV2 {
        final AtomicInteger left = new AtomicInteger();
        /** When set, the body is corrupted instead: one byte flipped, headers as the store sent them. */
        volatile boolean flip;
        final Set<String> chosen = ConcurrentHashMap.newKeySet();

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            var req = event.getRequest();
            if (req.getMethod().getName().equals("GET") && req.containsHeader("If-Match")
                    && req.containsHeader("Range") && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                chosen.add(event.getId().toString());
                if (!flip) {
                    return ResponseDefinitionBuilder.like(event.getResponseDefinition())
                            .proxiedFrom(S3.endpoint().toString()).withRemoveRequestHeader("If-Match").build();
                }
            }
            return event.getResponseDefinition();
        }

        @Override
        public boolean applyGlobally() {
            return true;
        }

        @Override
        public String getName() {
            return "torn-reads";
        }
    }

    /** For the chosen GETs: the old ETag (the request's If-Match) on the answer, or one body byte flipped. */
    static final class OldETag implements ResponseTransformerV2 {
        @Override
        public Response transform(Response response, ServeEvent event) {
            if (!TORN.chosen.remove(event.getId().toString())) {
                return response;
            }
            if (TORN.flip) {
                byte[] body = response.getBody().clone();
                body[body.length / 2] ^= 0x10;
                return Response.Builder.like(response).but().body(body).build();
            }
            List<HttpHeader> headers = new ArrayList<>();
            for (HttpHeader h : response.getHeaders().all()) {
                if (!h.keyEquals("ETag")) {
                    headers.add(h);
                }
            }
            headers.add(new HttpHeader("ETag", event.getRequest().getHeader("If-Match")));
            return Response.Builder.like(response).but().headers(new HttpHeaders(headers)).build();
        }

        @Override
        public String getName() {
            return "old-etag";
        }
    }

    @BeforeAll
    static void start() {
        proxy = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").disableRequestJournal()
                .extensions(TORN, OLD_ETAG));
        proxy.start();
        proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(S3.endpoint().toString())));
        viaProxy = S3Settings.forEndpoint(URI.create("http://127.0.0.1:" + proxy.port()))
                .withCredentials(S3.settings().accessKey(), S3.settings().secretKey()).withSdkMaxAttempts(1)
                .newClient();
    }

    @AfterEach
    void calm() {
        TORN.left.set(0);
        TORN.flip = false;
        TORN.chosen.clear();
    }

    @AfterAll
    static void stop() {
        viaProxy.close();
        proxy.stop();
    }

    static Map<String, byte[]> version(int v) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        if (v == 1) {
            m.put("a-pad", Fixtures.payload(777, 5000));   // shifts every offset of the new version
        }
        for (int i = 0; i < 20; i++) {
            m.put(String.format("e%04d", i), Fixtures.payload(v * 100 + i, 700 + 13 * v + i));
        }
        return m;
    }

    @Test
    void aReadTheStoreServesTornIsRepeatedFromTheNewIndex() {
        Map<String, byte[]> v0 = version(0);
        Map<String, byte[]> v1 = version(1);
        Fixtures.put(S3.client(), S3.bucket(), "live.des", Fixtures.archive(tmp, v0, true));
        try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), "live.des").open()) {
            assertThat(Fixtures.bytes(r.read("e0003"))).isEqualTo(v0.get("e0003"));
            Fixtures.put(S3.client(), S3.bucket(), "live.des", Fixtures.archive(tmp, v1, true));
            TORN.left.set(1);   // the next payload GET gets the new bytes under the old ETag
            assertThat(Fixtures.bytes(r.read("e0007"))).isEqualTo(v1.get("e0007"));
            assertThat(TORN.left.get()).as("the torn answer was served").isZero();
            assertThat(r.stats().reloads()).isEqualTo(1);
            assertThat(Fixtures.bytes(r.readAll(List.of("e0001", "e0019")).get("e0019")))
                    .isEqualTo(v1.get("e0019"));
        }
    }

    @Test
    void aChecksumFailureWithTheETagUnchangedStaysAFailure() {
        Map<String, byte[]> v0 = version(0);
        Fixtures.put(S3.client(), S3.bucket(), "same.des", Fixtures.archive(tmp, v0, true));
        try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), "same.des").open()) {
            TORN.flip = true;
            TORN.left.set(1);   // one payload answer with a flipped byte, ETag as it is
            assertThatThrownBy(() -> r.read("e0004")).isInstanceOf(DesChecksumException.class);
            assertThat(r.stats().reloads()).isZero();
            assertThat(Fixtures.bytes(r.read("e0004"))).isEqualTo(v0.get("e0004"));   // the next read is fine
        }
    }
}
