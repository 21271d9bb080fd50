package io.stowage.s3;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.stowage.s3.S3TestFiles.bytes;
import static io.stowage.s3.S3TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a transfer costs, counted on the wire: a proxy (WireMock) in front of EmbeddedS3 records every request the
 * store receives, so a regression that adds one HEAD (or any other request) per file turns these red whatever the
 * transfer's own counters say. Runs on the direct path and, in the {@code sdk-path} Surefire execution, on the SDK's.
 */
class RequestCountTest {
    static EmbeddedS3 server;
    static WireMockServer proxy;
    static S3Client viaProxy;
    static final Wire WIRE = new Wire();

    /** Records each request as "METHOD kind" (kind: list, object, or the query's first parameter). */
    static final class Wire implements ResponseDefinitionTransformerV2 {
        final List<String> requests = new CopyOnWriteArrayList<>();

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            var r = event.getRequest();
            String kind = r.queryParameter("list-type").isPresent() ? "list" : "object";
            String agent = r.getHeader("User-Agent");
            String path = agent != null && agent.contains("aws-sdk-java") ? "sdk" : "direct";
            requests.add(r.getMethod().getName() + " " + kind + " " + path + " " + r.getUrl());
            return event.getResponseDefinition();
        }

        @Override
        public boolean applyGlobally() {
            return true;
        }

        @Override
        public String getName() {
            return "stowage-count-wire";
        }
    }

    @BeforeAll
    static void start() {
        server = EmbeddedS3.builder().start();
        proxy = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").disableRequestJournal()
                .extensions(WIRE).containerThreads(32).jettyAcceptors(1));
        proxy.start();
        proxy.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(server.endpoint().toString())));
        viaProxy = S3Settings.forEndpoint(URI.create("http://127.0.0.1:" + proxy.port()))
                .withCredentials("any", "thing").withMaxConnections(16).newClient();
    }

    @AfterAll
    static void stop() {
        viaProxy.close();
        proxy.stop();
        server.close();
    }

    /** The path this JVM's transfers take: the direct one unless {@code -Dstowage.s3.direct=false}. */
    static String expectedPath() {
        return "false".equalsIgnoreCase(System.getProperty("stowage.s3.direct")) ? "sdk" : "direct";
    }

    static void tree(Path root) throws IOException {
        for (int i = 0; i < 90; i++) {
            write(root, "d" + (i % 3) + "/s" + (i % 2) + "/f" + i + ".bin", bytes(i, 100 + i));
        }
    }

    @ParameterizedTest
    @EnumSource(UploadOptions.Listing.class)
    void aSecondUploadSkipsEveryFileWithListingRequestsOnlyOnTheWire(UploadOptions.Listing listing,
                                                                     @TempDir Path dir) throws IOException {
        tree(dir);
        String bucket = S3TestFiles.newBucket(server, "wire-" + listing.name().toLowerCase().replace('_', '-'));
        S3Location target = S3Location.parse("s3://" + bucket + "/p");
        UploadOptions o = UploadOptions.defaults().withWorkers(4).withListing(listing)
                .withRetries(2, Duration.ZERO, Duration.ZERO);
        try (ParallelUploader up = ParallelUploader.builder(viaProxy).options(o).build()) {
            assertThat(up.upload(dir, target).transferred()).isEqualTo(90);
            WIRE.requests.clear();
            TransferReport again = up.upload(dir, target);
            assertThat(again.skipped()).as("%s", again).isEqualTo(90);
            List<String> seen = List.copyOf(WIRE.requests);
            assertThat(seen).as("every request the store received").isNotEmpty()
                    .allMatch(r -> r.startsWith("GET list " + expectedPath() + " "));
            assertThat((long) seen.size()).isEqualTo(again.listRequests());
            // FLAT: 90 keys, one page; BY_FOLDER: at most each folder once (3 x 2 holding files, 3 + 1 holding folders)
            assertThat(seen.size()).isLessThanOrEqualTo(listing == UploadOptions.Listing.FLAT ? 1 : 10);
        }
    }

    @ParameterizedTest
    @EnumSource(UploadOptions.Listing.class)
    void aSecondDownloadSkipsEveryFileWithListingRequestsOnlyOnTheWire(UploadOptions.Listing listing,
                                                                       @TempDir Path dir, @TempDir Path restore)
            throws IOException {
        tree(dir);
        String bucket = S3TestFiles.newBucket(server, "wire-down-" + listing.name().toLowerCase().replace('_', '-'));
        try (ParallelUploader up = ParallelUploader.builder(viaProxy).build()) {
            assertThat(up.upload(dir, S3Location.parse("s3://" + bucket + "/p")).transferred()).isEqualTo(90);
        }
        DownloadOptions o = DownloadOptions.defaults().withWorkers(4).withListing(listing);
        try (ParallelDownloader down = ParallelDownloader.builder(viaProxy).options(o).build()) {
            assertThat(down.download(S3Location.parse("s3://" + bucket + "/p"), restore).transferred())
                    .isEqualTo(90);
            WIRE.requests.clear();
            TransferReport again = down.download(S3Location.parse("s3://" + bucket + "/p"), restore);
            assertThat(again.skipped()).as("%s", again).isEqualTo(90);
            List<String> seen = List.copyOf(WIRE.requests);
            assertThat(seen).isNotEmpty().allMatch(r -> r.startsWith("GET list " + expectedPath() + " "));
            assertThat((long) seen.size()).isEqualTo(again.listRequests());
        }
    }
}
