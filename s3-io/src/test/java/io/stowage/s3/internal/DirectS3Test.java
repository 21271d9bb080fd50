package io.stowage.s3.internal;

import io.stowage.s3.S3Errors;
import io.stowage.s3.ETags;
import io.stowage.s3.EmbeddedS3;
import io.stowage.s3.ParallelDownloader;
import io.stowage.s3.ParallelUploader;
import io.stowage.s3.S3Location;
import io.stowage.s3.S3Settings;
import io.stowage.s3.TransferReport;
import io.stowage.s3.UploadOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The direct data path against a real S3Proxy that checks signatures: SigV4 with awkward keys, wrong secrets refused,
 * and the integrity guarantee: a body that does not match its (signed) Content-MD5 (a byte flipped on the wire) is
 * refused by the store, so an upload through a corrupting connection fails and stores nothing wrong.
 */
class DirectS3Test {
    static EmbeddedS3 server;
    static S3Client sdk;
    static DirectS3 direct;

    @BeforeAll
    static void start() {
        server = EmbeddedS3.builder().credentials("alice", "alice-secret").bucket("vault").start();
        sdk = server.newClient();
        // the suite also runs with -Dstowage.s3.direct=false (the SDK path); this class tests DirectS3 itself
        String saved = System.clearProperty("stowage.s3.direct");
        try {
            direct = DirectS3.forClient(sdk, 4).orElseThrow();
        } finally {
            if (saved != null) {
                System.setProperty("stowage.s3.direct", saved);
            }
        }
    }

    @AfterAll
    static void stop() {
        direct.close();
        sdk.close();
        server.close();
    }

    static String md5Base64(byte[] b) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(b));
    }

    static String md5Hex(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    @Test
    void onlyForClientsWithAnEndpointAndNoInterceptorsOfTheCallers() {
        try (S3Client aws = S3Settings.aws().withRegion("eu-west-1").withCredentials("a", "b").newClient()) {
            assertThat(DirectS3.forClient(aws, 4)).isEmpty();
        }
        // regression: sync-state's tests count and fail PUTs with an interceptor; the direct path bypassed it
        try (S3Client watched = S3Client.builder().endpointOverride(server.endpoint()).forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(sdk.serviceClientConfiguration().credentialsProvider())
                .overrideConfiguration(o -> o.addExecutionInterceptor(
                        new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() { }))
                .build()) {
            assertThat(DirectS3.forClient(watched, 4)).isEmpty();
        }
        String saved = System.setProperty("stowage.s3.direct", "false");
        try {
            assertThat(DirectS3.forClient(sdk, 4)).isEmpty();
        } finally {
            if (saved == null) {
                System.clearProperty("stowage.s3.direct");
            } else {
                System.setProperty("stowage.s3.direct", saved);
            }
        }
    }

    @Test
    void signedRequestsWithAwkwardKeysRoundTripThroughAStoreThatChecksSignatures() throws Exception {
        List<String> keys = List.of("a b/c+d%e#f?g&h=i;j,k:l@m$n!o'p(q)r*s~t.txt", "emoji/\uD83D\uDCF7 photo.jpg",
                "nfc/Ame\u0301lie.txt", "deep/1/2/3/4/file", "x");
        for (String key : keys) {
            byte[] data = ("content of " + key).getBytes(StandardCharsets.UTF_8);
            String eTag = direct.putObject("vault", key, data.length, md5Base64(data), "text/plain",
                    Map.of("mtime", "2026-01-02T03:04:05Z"), () -> new java.io.ByteArrayInputStream(data));
            assertThat(ETags.unquote(eTag)).isEqualTo(md5Hex(data));
            assertThat(sdk.getObjectAsBytes(b -> b.bucket("vault").key(key)).asByteArray()).isEqualTo(data);
            try (DirectS3.Got got = direct.get("vault", key, null, null)) {
                assertThat(got.body().readAllBytes()).isEqualTo(data);
                assertThat(got.mtimeMetadata()).isEqualTo("2026-01-02T03:04:05Z");
                assertThat(got.contentLength()).isEqualTo(data.length);
            }
            try (DirectS3.Got got = direct.get("vault", key, "bytes=1-3", "\"" + md5Hex(data) + "\"")) {
                assertThat(got.status()).isEqualTo(206);
                assertThat(got.body().readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 1, 4));
            }
        }
        // the lean listing agrees with the SDK's, flat and by folder, across pages
        List<String> sdkKeys = sdk.listObjectsV2Paginator(b -> b.bucket("vault")).contents().stream()
                .map(o -> o.key()).toList();
        List<String> flat = new java.util.ArrayList<>();
        String token = null;
        do {
            ListingPage page = direct.list("vault", "", null, token, 2);
            page.objects().forEach(o -> flat.add(o.key()));
            assertThat(page.objects()).allMatch(o -> o.size() > 0 && o.lastModified() != null
                    && o.isSinglePartMd5());
            token = page.nextToken();
        } while (token != null);
        assertThat(flat).isEqualTo(sdkKeys).containsAll(keys);
        ListingPage top = direct.list("vault", "", "/", null, 1000);
        assertThat(top.prefixes()).contains("a b/", "emoji/", "nfc/", "deep/");
        assertThat(top.objects()).extracting(o -> o.key()).contains("x");
        assertThat(direct.list("vault", "emoji/", "/", null, 1000).objects()).extracting(o -> o.key())
                .containsExactly("emoji/\uD83D\uDCF7 photo.jpg");
    }

    @Test
    void listingParserDecodesEntitiesAndUrlEncoding() {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>b</Name>"
                + "<EncodingType>url</EncodingType>"
                + "<IsTruncated>true</IsTruncated><NextContinuationToken>t&amp;1</NextContinuationToken>"
                + "<Contents><Key>a%20b%2Bc%26%3Cd%3E+e</Key><LastModified>2026-01-02T03:04:05.000Z</LastModified>"
                + "<ETag>&quot;0123456789abcdef0123456789abcdef&quot;</ETag><Size>42</Size></Contents>"
                + "<Contents><Key>x&#x41;&#66;</Key><ETag>\"0123456789abcdef0123456789abcdef-3\"</ETag>"
                + "<Size>7</Size></Contents>"
                + "<CommonPrefixes><Prefix>dir%2F%C3%A9/</Prefix></CommonPrefixes></ListBucketResult>";
        ListingPage l = S3Xml.parseListing(xml);
        assertThat(l.objects()).extracting(o -> o.key()).containsExactly("a b+c&<d> e", "xAB");
        assertThat(l.objects().get(0).size()).isEqualTo(42);
        assertThat(l.objects().get(0).eTag()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(l.objects().get(0).lastModified()).isEqualTo(java.time.Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(l.objects().get(1).multipartCount()).isEqualTo(3);
        assertThat(l.prefixes()).containsExactly("dir/\u00e9/");
        assertThat(l.nextToken()).isEqualTo("t&1");
        assertThat(S3Xml.parseListing("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>")
                .nextToken()).isNull();
        // a store that ignored encoding-type=url sends plain keys: a '+' stays a '+'
        assertThat(S3Xml.parseListing("<ListBucketResult><Contents><Key>a+b%20c</Key><Size>1</Size></Contents>"
                + "</ListBucketResult>").objects()).extracting(o -> o.key()).containsExactly("a+b%20c");
    }

    @Test
    void aWrongSecretIsRefusedWithTheStoresError() {
        try (S3Client bad = S3Settings.forEndpoint(server.endpoint()).withCredentials("alice", "wrong")
                .newClient()) {
            DirectS3 d = new DirectS3(server.endpoint(), "us-east-1", bad.serviceClientConfiguration()
                    .credentialsProvider(), 10_000, 60_000, 1);
            byte[] data = "x".getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> d.putObject("vault", "denied", 1, md5Base64(data), null, Map.of(),
                    () -> new java.io.ByteArrayInputStream(data)))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403))
                    .satisfies(e -> assertThat(S3Errors.isTransient(e)).isFalse());
            d.close();
        }
    }

    @Test
    void aBodyThatDoesNotMatchItsContentMd5IsRefusedByTheStore() throws Exception {
        byte[] data = "the bytes that were hashed".getBytes(StandardCharsets.UTF_8);
        byte[] sent = "the bytes that were HASHED".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> direct.putObject("vault", "corrupt", sent.length, md5Base64(data), null, Map.of(),
                () -> new java.io.ByteArrayInputStream(sent)))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).awsErrorDetails().errorCode()).isEqualTo("BadDigest"));
        assertThat(sdk.listObjectsV2(b -> b.bucket("vault").prefix("corrupt")).contents()).isEmpty();
        // the connection is still usable afterwards
        direct.putObject("vault", "fine", data.length, md5Base64(data), null, Map.of(), () -> new java.io.ByteArrayInputStream(data));
    }

    @Test
    void aByteFlippedOnTheWireFailsTheUploadAndStoresNothingWrong(@TempDir Path dir) throws Exception {
        // the proxy turns every NUL byte the client sends into 0x01 (HTTP heads and XML bodies have none): files
        // without NUL bytes pass unchanged, a file with one arrives with one byte flipped
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("big"));
        byte[] good = noNul(20_000, 1);
        byte[] bad = noNul(20_000, 2);
        bad[1000] = 0;
        byte[] big = noNul((6 << 20) + 17, 3);
        big[(5 << 20) + 12345] = 0;   // in the second part
        Files.write(src.resolve("good.bin"), good);
        Files.write(src.resolve("bad.bin"), bad);
        Files.write(src.resolve("big/video.mp4"), big);
        try (CorruptingProxy proxy = new CorruptingProxy(server.endpoint());
             S3Client viaProxy = S3Settings.forEndpoint(URI.create("http://127.0.0.1:" + proxy.port()))
                     .withCredentials("alice", "alice-secret").withSdkMaxAttempts(1).newClient();
             ParallelUploader up = ParallelUploader.builder(viaProxy).options(UploadOptions.defaults()
                     .withMultipart(5L << 20, 5L << 20).withRetries(2, java.time.Duration.ofMillis(1),
                             java.time.Duration.ofMillis(5))).build()) {
            TransferReport r = up.upload(src, S3Location.parse("s3://vault/wire"));
            assertThat(proxy.flipped.get()).isGreaterThanOrEqualTo(2);
            assertThat(r.transferred()).isEqualTo(1);
            assertThat(r.failed()).isEqualTo(2);
            if (DirectS3.forClient(viaProxy, 1).isPresent()) {
                // UNSIGNED-PAYLOAD: the signed Content-MD5 is what catches it
                assertThat(r.failures()).allMatch(f -> f.reason().contains("BadDigest"), "BadDigest");
            } else {
                // the SDK path (-Dstowage.s3.direct=false): the store refuses the body too (Content-MD5, CRC32 trailer)
                assertThat(r.failures()).allMatch(f -> f.reason().startsWith("S3 error 4"), "refused by the store");
            }
        }
        assertThat(sdk.listObjectsV2(b -> b.bucket("vault").prefix("wire/")).contents())
                .extracting(o -> o.key()).containsExactly("wire/good.bin");
        assertThat(sdk.listMultipartUploads(b -> b.bucket("vault").prefix("wire/")).uploads()).isEmpty();
        try (ParallelDownloader down = ParallelDownloader.builder(sdk).build()) {
            down.download(S3Location.parse("s3://vault/wire"), dir.resolve("back"));
        }
        assertThat(Files.readAllBytes(dir.resolve("back/good.bin"))).isEqualTo(good);
    }

    static byte[] noNul(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                b[i] = 7;
            }
        }
        return b;
    }

    /** A TCP proxy that turns every NUL byte the client sends into 0x01 (what the server sends passes as is). */
    static final class CorruptingProxy implements AutoCloseable {
        final ServerSocket listen;
        final URI target;
        final AtomicInteger flipped = new AtomicInteger();

        CorruptingProxy(URI target) throws IOException {
            this.target = target;
            this.listen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "corrupting-proxy");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return listen.getLocalPort();
        }

        private void accept() {
            while (!listen.isClosed()) {
                try {
                    Socket client = listen.accept();
                    Socket upstream = new Socket(target.getHost(), target.getPort());
                    pump(client.getInputStream(), upstream.getOutputStream(), true, client, upstream);
                    pump(upstream.getInputStream(), client.getOutputStream(), false, client, upstream);
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void pump(InputStream in, OutputStream out, boolean corrupt, Socket a, Socket b) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[64 * 1024];
                try {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        if (corrupt) {
                            for (int i = 0; i < n; i++) {
                                if (buf[i] == 0) {
                                    buf[i] = 1;
                                    flipped.incrementAndGet();
                                }
                            }
                        }
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // one side closed
                } finally {
                    try {
                        a.close();
                        b.close();
                    } catch (IOException ignored) {
                        // closing
                    }
                }
            }, "corrupting-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            listen.close();
        }
    }
}
