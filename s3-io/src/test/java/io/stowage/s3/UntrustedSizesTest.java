package io.stowage.s3;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listing's {@code Size} is the store's word, not a fact: a negative size, or one no GET will keep (1 PiB for a
 * 10-byte object), fails that file with its reason, sizes no buffer or part array, and the rest of the run goes on;
 * an {@link Error} in a worker fails its file loudly instead of dropping it. A WireMock server lists what each test
 * says and serves the real bytes (with {@code Content-Range} for ranges). Both request paths.
 */
class UntrustedSizesTest {
    static WireMockServer server;
    static final String BUCKET = "sizes";
    static final byte[] REAL = "0123456789".getBytes(StandardCharsets.US_ASCII);
    static final long ONE_PIB = 1L << 50;

    enum Route { DIRECT, SDK }

    @BeforeAll
    static void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                .disableRequestJournal());
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** The listing says each key has the given size; GET and HEAD serve {@link #REAL} (ranges with Content-Range). */
    static void list(Map<String, Long> listed) {
        server.resetAll();
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult"
                + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + BUCKET + "</Name><Prefix>day/"
                + "</Prefix><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>");
        String eTag = "\"" + S3TestFiles.md5(REAL) + "\"";
        new TreeMap<>(listed).forEach((key, size) -> {
            xml.append("<Contents><Key>").append(key).append("</Key><LastModified>2026-01-01T00:00:00.000Z"
                    + "</LastModified><ETag>&quot;").append(S3TestFiles.md5(REAL)).append("&quot;</ETag><Size>")
                    .append(size).append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
            server.stubFor(get(urlPathEqualTo("/" + BUCKET + "/" + key)).atPriority(5).willReturn(aResponse()
                    .withStatus(200).withHeader("ETag", eTag)
                    .withHeader("Content-Length", String.valueOf(REAL.length)).withBody(REAL)));
            server.stubFor(get(urlPathEqualTo("/" + BUCKET + "/" + key)).withHeader("Range", matching("bytes=0-.*"))
                    .atPriority(1).willReturn(aResponse().withStatus(206).withHeader("ETag", eTag)
                            .withHeader("Content-Range", "bytes 0-" + (REAL.length - 1) + "/" + REAL.length)
                            .withHeader("Content-Length", String.valueOf(REAL.length))
                            .withBody(REAL)));
        });
        xml.append("</ListBucketResult>");
        server.stubFor(get(urlPathMatching("/" + BUCKET + "/?")).withQueryParam("list-type", equalTo("2"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/xml")
                        .withBody(xml.toString())));
    }

    static S3Client client(Route route, ExecutionInterceptor interceptor) {
        if (route == Route.DIRECT && interceptor == null) {
            return S3Settings.forEndpoint(endpoint()).withCredentials("key", "secret").newClient();
        }
        // a client with an interceptor of its own goes through the SDK only
        return S3Client.builder().endpointOverride(endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")))
                .overrideConfiguration(o -> o.addExecutionInterceptor(interceptor == null
                        ? new ExecutionInterceptor() { } : interceptor))
                .build();
    }

    static TransferReport download(S3Client s3, Path folder) {
        DownloadOptions options = DownloadOptions.defaults().withWorkers(4).withRanges(1 << 20, 1 << 20)
                .withRetries(2, Duration.ZERO, Duration.ZERO);
        try (ParallelDownloader d = ParallelDownloader.builder(s3).options(options).build()) {
            return d.download(S3Location.parse("s3://" + BUCKET + "/day/"), folder);
        }
    }

    static long filesUnder(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void aListingSizeOfMinus5FailsThatFileAndNothingCountsIt(Route route, @TempDir Path folder) throws IOException {
        list(Map.of("day/liar.bin", -5L, "day/true.bin", (long) REAL.length));
        TransferReport r;
        try (S3Client s3 = client(route, null)) {
            r = download(s3, folder);
        }
        assertThat(r.transferred()).as("%s", r).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.bytesTransferred()).isEqualTo(REAL.length);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("day/liar.bin");
            assertThat(f.reason()).contains("-5");
        });
        assertThat(Files.readAllBytes(folder.resolve("true.bin"))).isEqualTo(REAL);
        assertThat(filesUnder(folder)).isEqualTo(1);
    }

    /** Before: ~800 MB of part arrays sized from the listing (an OutOfMemoryError, the file dropped, exit 0). */
    @ParameterizedTest
    @EnumSource(Route.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aListingThatClaimsOnePebibyteFailsThatFileWithoutSizingAnythingFromIt(Route route, @TempDir Path folder)
            throws IOException {
        list(Map.of("day/huge.bin", ONE_PIB, "day/true.bin", (long) REAL.length));
        TransferReport r;
        try (S3Client s3 = client(route, null)) {
            r = download(s3, folder);
        }
        assertThat(r.transferred()).as("%s", r).isEqualTo(1);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("day/huge.bin");
            assertThat(f.reason()).contains(String.valueOf(ONE_PIB)).contains(String.valueOf(REAL.length));
        });
        assertThat(filesUnder(folder)).isEqualTo(1);
    }

    /** A smaller lie below the ranged threshold: one whole GET, checked against its Content-Length. */
    @ParameterizedTest
    @EnumSource(Route.class)
    void aWholeGetLongerThanTheListedSizeFailsThatFile(Route route, @TempDir Path folder) throws IOException {
        list(Map.of("day/short.bin", 4L));
        TransferReport r;
        try (S3Client s3 = client(route, null)) {
            r = download(s3, folder);
        }
        assertThat(r.failed()).as("%s", r).isEqualTo(1);
        assertThat(r.failures().get(0).reason()).contains("4 bytes");
        assertThat(filesUnder(folder)).isZero();
    }

    @Test
    void anErrorInADownloadWorkerFailsItsFileLoudlyInsteadOfDroppingIt(@TempDir Path folder) throws IOException {
        list(Map.of("day/a.bin", (long) REAL.length, "day/b.bin", (long) REAL.length));
        ExecutionInterceptor oom = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof GetObjectRequest g && g.key().equals("day/a.bin")) {
                    throw new OutOfMemoryError("provoked by the test");
                }
            }
        };
        TransferReport r;
        try (S3Client s3 = client(Route.SDK, oom)) {
            r = download(s3, folder);
        }
        assertThat(r.transferred()).as("%s", r).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.isComplete()).isFalse();
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("day/a.bin");
            assertThat(f.reason()).contains("OutOfMemoryError").contains("provoked by the test");
        });
        assertThat(filesUnder(folder)).isEqualTo(1);
    }
}
