package io.stowage.s3;

import io.stowage.testing.core.LyingS3;
import io.stowage.testing.core.LyingS3.Lie;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * s3-io's public listing and download ({@link ParallelDownloader}, {@link S3Objects}) against a store that lies
 * (testing-core's {@link LyingS3}): each lie ends in a typed error (an {@link S3IoException}, an {@link IOException}
 * while reading a GET, or the file reported failed), never in a hang or in wrong bytes under a file's real name.
 * Every downloader case runs on both request paths: the direct path s3-io takes for S3-compatible endpoints, and the
 * SDK's (a client with an interceptor of its own goes through the SDK only).
 */
class LyingS3Test {
    @RegisterExtension
    static final LyingS3 S3 = LyingS3.start();

    static final String BUCKET = "lies";
    /** Small objects (one whole GET each) and one ranged (above the 1 MiB ranged threshold). */
    static final Map<String, byte[]> OBJECTS = new LinkedHashMap<>();
    static S3Client direct;
    static S3Client sdkOnly;

    /** The two request paths of s3-io. */
    enum Route { DIRECT, SDK }

    @BeforeAll
    static void clients() {
        OBJECTS.put("day/a.bin", S3TestFiles.bytes(1, 1_000));
        OBJECTS.put("day/b.bin", S3TestFiles.bytes(2, 70_000));
        OBJECTS.put("day/sub/c.bin", S3TestFiles.bytes(3, 3 << 20));
        S3Settings settings = S3Settings.forEndpoint(S3.endpoint()).withCredentials("key", "secret");
        direct = settings.newClient();
        sdkOnly = S3Client.builder().endpointOverride(S3.endpoint()).forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("key", "secret")))
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() { }))
                .build();
    }

    @AfterAll
    static void close() {
        direct.close();
        sdkOnly.close();
    }

    static void store() {
        S3.clear();
        OBJECTS.forEach((k, v) -> S3.put(BUCKET, k, v));
    }

    static ParallelDownloader downloader(Route route) {
        DownloadOptions options = DownloadOptions.defaults().withWorkers(4).withRanges(1 << 20, 1 << 20)
                .withRetries(2, Duration.ZERO, Duration.ZERO);
        return ParallelDownloader.builder(route == Route.DIRECT ? direct : sdkOnly).options(options).build();
    }

    static TransferReport download(Route route, Path folder) {
        try (ParallelDownloader d = downloader(route)) {
            return d.download(S3Location.parse("s3://" + BUCKET + "/day/"), folder);
        }
    }

    /** Every regular file under the folder, by relative path (temporary files included: none may be left). */
    static Map<String, byte[]> files(Path folder) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.put(folder.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    /** No file under its real name with other bytes than the object's, and no temporary file left behind. */
    static void assertNoWrongBytes(Path folder) throws IOException {
        for (Map.Entry<String, byte[]> f : files(folder).entrySet()) {
            byte[] expected = OBJECTS.get("day/" + f.getKey());
            assertThat(expected).as("unexpected file %s", f.getKey()).isNotNull();
            assertThat(f.getValue()).as("bytes of %s", f.getKey()).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void theTruthDownloadsEverything(Route route, @TempDir Path folder) throws IOException {
        store();
        TransferReport r = download(route, folder);
        assertThat(r.isComplete()).as("%s", r.failures()).isTrue();
        assertThat(r.transferred()).isEqualTo(OBJECTS.size());
        assertThat(files(folder)).hasSize(OBJECTS.size());
        assertNoWrongBytes(folder);
    }

    /** Where the downloader learns the sizes: the listing of a prefix, or one HEAD per key. */
    enum Sizes { LISTING, HEAD }

    static TransferReport download(Route route, Sizes sizes, Path folder) {
        if (sizes == Sizes.LISTING) {
            return download(route, folder);
        }
        try (ParallelDownloader d = downloader(route)) {
            return d.download(S3Location.parse("s3://" + BUCKET + "/day/"), List.copyOf(OBJECTS.keySet()).iterator(),
                    folder);
        }
    }

    static Stream<Arguments> sizeLies() {
        List<Arguments> out = new ArrayList<>();
        for (Route route : Route.values()) {
            for (Sizes sizes : Sizes.values()) {
                for (Lie lie : List.of(Lie.LISTED_SIZE_LARGER, Lie.LISTED_SIZE_SMALLER)) {
                    out.add(Arguments.of(route, sizes, lie));
                }
            }
        }
        return out.stream();
    }

    /**
     * Listing (or HEAD) and GET disagree on the size: no file gets other bytes than the object's, and the ranged
     * object (its ranges planned from the lying size) fails with its reason in the report.
     */
    @ParameterizedTest
    @MethodSource("sizeLies")
    void sizeLiesNeverLeaveWrongBytes(Route route, Sizes sizes, Lie lie, @TempDir Path folder) throws IOException {
        store();
        S3.lie(lie);
        TransferReport r = download(route, sizes, folder);
        assertThat(r.failed() + r.transferred()).as("%s", r).isEqualTo(OBJECTS.size());
        assertThat(r.failures()).extracting(TransferReport.Failure::key).as("%s", r).contains("day/sub/c.bin");
        assertNoWrongBytes(folder);
        if (sizes == Sizes.HEAD) {
            assertThat(S3.headRequests()).isGreaterThanOrEqualTo(OBJECTS.size());
        }
    }

    /**
     * The stricter contract: a body whose length differs from the listed (or HEAD) size fails its file, whatever the
     * path.
     */
    @ParameterizedTest
    @MethodSource("sizeLies")
    void sizeLiesFailEveryFile(Route route, Sizes sizes, Lie lie, @TempDir Path folder) throws IOException {
        store();
        S3.lie(lie);
        TransferReport r = download(route, sizes, folder);
        assertThat(r.failed()).as("%s", r).isEqualTo(OBJECTS.size());
        assertThat(r.failures()).extracting(TransferReport.Failure::key)
                .containsExactlyInAnyOrderElementsOf(OBJECTS.keySet());
        assertThat(files(folder)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void truncatedBodiesFailEachFileAfterItsRetries(Route route, @TempDir Path folder) throws IOException {
        store();
        S3.lie(Lie.TRUNCATED_BODY);
        TransferReport r = download(route, folder);
        assertThat(r.failed()).as("%s", r).isEqualTo(OBJECTS.size());
        assertThat(files(folder)).isEmpty();
        assertThat(S3.getRequests()).isGreaterThanOrEqualTo(OBJECTS.size() * 2);
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void malformedListingXmlIsAnS3IoException(Route route, @TempDir Path folder) throws IOException {
        store();
        S3.lie(Lie.MALFORMED_LIST_XML);
        assertThatThrownBy(() -> download(route, folder)).isInstanceOf(S3IoException.class)
                .hasMessageContaining("cannot list");
        assertThat(files(folder)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void endlessPagesWithTheSameTokenAreAnS3IoException(Route route, @TempDir Path folder) throws IOException {
        store();
        S3.endlessPageLimit(50).lie(Lie.ENDLESS_PAGES_SAME_TOKEN);
        assertThatThrownBy(() -> download(route, folder)).isInstanceOf(S3IoException.class);
        assertThat(S3.listRequests()).isLessThan(50);
        assertNoWrongBytes(folder);
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void endlessPagesWithNewTokensAreAnS3IoException(Route route, @TempDir Path folder) throws IOException {
        store();
        S3.endlessPageLimit(50).lie(Lie.ENDLESS_PAGES_NEW_TOKEN);
        assertThatThrownBy(() -> download(route, folder)).isInstanceOf(S3IoException.class);
        assertThat(S3.listRequests()).isLessThan(50);
        assertNoWrongBytes(folder);
    }

    // S3Objects: the single-object API every module uses (listing and GET through the SDK)

    static S3Objects objects() {
        return S3Objects.create(direct).withRetry(RetrySettings.defaults().withInitialBackoff(Duration.ZERO)
                .withMaxBackoff(Duration.ZERO));
    }

    @Test
    void objectsListsAndGetsTheTruth() throws IOException {
        store();
        S3Objects objects = objects();
        try (Stream<RemoteObject> listing = objects.list(BUCKET, "day/")) {
            assertThat(listing.map(RemoteObject::key).toList()).containsExactlyElementsOf(OBJECTS.keySet());
        }
        for (Map.Entry<String, byte[]> o : OBJECTS.entrySet()) {
            try (InputStream in = objects.get(BUCKET, o.getKey())) {
                assertThat(in.readAllBytes()).isEqualTo(o.getValue());
            }
            assertThat(objects.head(BUCKET, o.getKey())).hasValueSatisfying(r -> assertThat(r.size())
                    .isEqualTo(o.getValue().length));
        }
        try (InputStream in = objects.getRange(BUCKET, "day/b.bin", 100, 50)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(OBJECTS.get("day/b.bin"), 100, 150));
        }
    }

    @Test
    void objectsTruncatedGetIsAnIOExceptionNotAShortRead() {
        store();
        S3.lie(Lie.TRUNCATED_BODY);
        S3Objects objects = objects();
        for (String key : OBJECTS.keySet()) {
            assertThatThrownBy(() -> {
                try (InputStream in = objects.get(BUCKET, key)) {
                    in.readAllBytes();
                }
            }).as(key).isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> {
            try (InputStream in = objects.getRange(BUCKET, "day/sub/c.bin", 0, 1 << 20)) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void objectsGetUnderSizeLiesReturnsTheObjectsBytes() throws IOException {
        store();
        S3Objects objects = objects();
        for (Lie lie : List.of(Lie.LISTED_SIZE_LARGER, Lie.LISTED_SIZE_SMALLER)) {
            S3.lie(lie);
            for (Map.Entry<String, byte[]> o : OBJECTS.entrySet()) {
                try (InputStream in = objects.get(BUCKET, o.getKey())) {
                    assertThat(in.readAllBytes()).as("%s %s", lie, o.getKey()).isEqualTo(o.getValue());
                }
            }
        }
    }

    @Test
    void objectsMalformedListingXmlIsATypedError() {
        store();
        S3.lie(Lie.MALFORMED_LIST_XML);
        assertThatThrownBy(() -> {
            try (Stream<RemoteObject> listing = objects().list(BUCKET, "day/")) {
                listing.forEach(o -> { });
            }
        }).isInstanceOfAny(S3IoException.class, SdkException.class);
    }

    @ParameterizedTest
    @EnumSource(value = Lie.class, names = {"ENDLESS_PAGES_SAME_TOKEN", "ENDLESS_PAGES_NEW_TOKEN"})
    void objectsEndlessListingIsATypedError(Lie lie) {
        store();
        S3.endlessPageLimit(50).lie(lie);
        assertThatThrownBy(() -> {
            try (Stream<RemoteObject> listing = objects().list(BUCKET, "day/")) {
                listing.forEach(o -> { });
            }
        }).isInstanceOf(S3ListingFailedException.class);
        assertThat(S3.listRequests()).isLessThan(50);
    }
}
