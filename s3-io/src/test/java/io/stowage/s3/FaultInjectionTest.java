package io.stowage.s3;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.stowage.s3.S3TestFiles.bytes;
import static io.stowage.s3.S3TestFiles.md5;
import static io.stowage.s3.S3TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real fault-injecting HTTP proxy (WireMock, request journal off) between the client and EmbeddedS3: random 500s,
 * 503 SlowDown, connection resets and slow responses. Afterwards every file is in the store exactly once with the
 * right bytes, and the report tells the truth.
 */
class FaultInjectionTest {
    static EmbeddedS3 server;
    static S3Client direct;
    static WireMockServer proxy;
    static final Faults FAULTS = new Faults();
    static final WrongETags WRONG_ETAGS = new WrongETags();
    static S3Client viaProxy;

    /** A transformer of every request, named. */
    abstract static class Global implements ResponseDefinitionTransformerV2 {
        private final String name;

        Global(String name) {
            this.name = name;
        }

        @Override
        public boolean applyGlobally() {
            return true;
        }

        @Override
        public String getName() {
            return name;
        }
    }

    /** Decides per request: pass through to S3Proxy, or fail it. Seeded, so a run is repeatable. */
    static final class Faults extends Global {
        Faults() {
            super("stowage-faults");
        }

        private final Random random = new Random(20260101);
        volatile double errorRate;
        volatile long slowPartMillis;
        volatile long slowPutMillis;
        /** Object GETs send their body in 16 pieces over this many milliseconds. */
        volatile long dribbleGetMillis;
        final AtomicInteger injected = new AtomicInteger();

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            ResponseDefinition def = event.getResponseDefinition();
            if (slowPartMillis > 0 && event.getRequest().queryParameter("partNumber").isPresent()) {
                return ResponseDefinitionBuilder.like(def).withFixedDelay((int) slowPartMillis).build();
            }
            if (dribbleGetMillis > 0 && event.getRequest().getMethod().getName().equals("GET")
                    && !event.getRequest().queryParameter("list-type").isPresent()) {
                return ResponseDefinitionBuilder.like(def).withChunkedDribbleDelay(16, (int) dribbleGetMillis)
                        .build();
            }
            if (slowPutMillis > 0 && event.getRequest().getMethod().getName().equals("PUT")) {
                return ResponseDefinitionBuilder.like(def).withFixedDelay((int) slowPutMillis).build();
            }
            double x;
            synchronized (random) {
                x = random.nextDouble();
            }
            double r = errorRate;
            if (x < r * 0.3) {
                injected.incrementAndGet();
                return ResponseDefinitionBuilder.responseDefinition().withStatus(503)
                        .withHeader("Content-Type", "application/xml")
                        .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                                + "<Message>Please reduce your request rate.</Message></Error>").build();
            } else if (x < r * 0.5) {
                injected.incrementAndGet();
                return ResponseDefinitionBuilder.responseDefinition().withStatus(500)
                        .withHeader("Content-Type", "application/xml")
                        .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code>"
                                + "<Message>We encountered an internal error.</Message></Error>").build();
            } else if (x < r * 0.8) {
                injected.incrementAndGet();
                return ResponseDefinitionBuilder.like(def).withFault(Fault.CONNECTION_RESET_BY_PEER).build();
            } else if (x < r) {
                injected.incrementAndGet();
                return ResponseDefinitionBuilder.like(def).withFixedDelay(150).build();
            }
            return def;
        }
    }

    /** Gives the next {@code left} PUT answers an ETag that is the MD5 of other bytes, as if the body were mangled. */
    static final class WrongETags implements ResponseTransformerV2 {
        final AtomicInteger left = new AtomicInteger();

        @Override
        public Response transform(Response response, ServeEvent event) {
            if (!event.getRequest().getMethod().getName().equals("PUT")
                    || left.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
                return response;
            }
            java.util.List<HttpHeader> headers = new java.util.ArrayList<>();
            for (HttpHeader h : response.getHeaders().all()) {
                if (!h.keyEquals("ETag")) {
                    headers.add(h);
                }
            }
            headers.add(new HttpHeader("ETag", "\"0123456789abcdef0123456789abcdef\""));
            return Response.Builder.like(response).but().headers(new HttpHeaders(headers)).build();
        }

        @Override
        public String getName() {
            return "stowage-wrong-etags";
        }
    }

    /** Counts the object GETs under one bucket: those asking for a Range and whole-object ones. */
    static final class Gets extends Global {
        Gets() {
            super("stowage-count-gets");
        }

        volatile String bucket = "";
        final AtomicInteger ranged = new AtomicInteger();
        final AtomicInteger whole = new AtomicInteger();

        void watch(String bucketName) {
            bucket = bucketName;
            ranged.set(0);
            whole.set(0);
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            var req = event.getRequest();
            if (req.getMethod().getName().equals("GET") && req.getUrl().startsWith("/" + bucket + "/")
                    && !req.queryParameter("list-type").isPresent()) {
                (req.containsHeader("Range") ? ranged : whole).incrementAndGet();
            }
            return event.getResponseDefinition();
        }
    }

    static final Gets GETS = new Gets();

    /** Flips one byte in the body of the next {@code left} object GET answers (same length, same headers). */
    static final class FlipGetBodies implements ResponseTransformerV2 {
        final AtomicInteger left = new AtomicInteger();

        @Override
        public Response transform(Response response, ServeEvent event) {
            if (!event.getRequest().getMethod().getName().equals("GET")
                    || event.getRequest().queryParameter("list-type").isPresent()
                    || response.getStatus() != 200 || left.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
                return response;
            }
            byte[] body = response.getBody().clone();
            body[body.length / 2] ^= 0x40;
            return Response.Builder.like(response).but().body(body).build();
        }

        @Override
        public String getName() {
            return "stowage-flip-get-bodies";
        }
    }

    static final FlipGetBodies FLIP_GETS = new FlipGetBodies();

    /**
     * While engaged, holds each listing request until {@code want} listings are held at once (then lets them all go
     * and records that), or for at most ten seconds (then gives up: the listings came one at a time).
     */
    static final class ListingBarrier extends Global {
        ListingBarrier() {
            super("stowage-listing-barrier");
        }

        volatile boolean engaged;
        volatile boolean reached;
        private int want;
        private int held;

        synchronized void arm(int listings) {
            want = listings;
            held = 0;
            reached = false;
            engaged = true;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            if (engaged && event.getRequest().queryParameter("list-type").isPresent()) {
                synchronized (this) {
                    held++;
                    if (held >= want) {
                        reached = true;
                        engaged = false;
                        notifyAll();
                    }
                    // a deadline for the failure case only (listings sent one at a time never reach the count):
                    // long enough that a slow machine does not end a correct run's wait early
                    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                    while (engaged && System.nanoTime() < until) {
                        try {
                            wait(50);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                    engaged = false;   // reached, or timed out: from now on nothing is held
                    notifyAll();
                }
            }
            return event.getResponseDefinition();
        }
    }

    static final ListingBarrier LISTINGS = new ListingBarrier();

    /** Counts down when a listing request of the watched bucket reaches the proxy (before any delay of its stub). */
    static final class ListingArrived extends Global {
        ListingArrived() {
            super("stowage-listing-arrived");
        }

        volatile String bucket = "";
        volatile java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);

        void watch(String bucketName) {
            arrived = new java.util.concurrent.CountDownLatch(1);
            bucket = bucketName;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            var req = event.getRequest();
            if (req.queryParameter("list-type").isPresent() && (req.getUrl().startsWith("/" + bucket + "?")
                    || req.getUrl().startsWith("/" + bucket + "/?"))) {
                arrived.countDown();
            }
            return event.getResponseDefinition();
        }
    }

    static final ListingArrived LISTING_ARRIVED = new ListingArrived();

    @BeforeAll
    static void start() {
        server = EmbeddedS3.builder().start();
        direct = server.newClient();
        proxy = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").disableRequestJournal()
                .extensions(FAULTS, WRONG_ETAGS, GETS, FLIP_GETS, LISTINGS, LISTING_ARRIVED).containerThreads(64).jettyAcceptors(2));
        proxy.start();
        proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(server.endpoint().toString())));
        // the SDK must not hide the faults: one SDK attempt per request, our retries on top
        viaProxy = S3Settings.forEndpoint(URI.create("http://127.0.0.1:" + proxy.port()))
                .withCredentials("any", "thing").withSdkMaxAttempts(1).withMaxConnections(32)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10)).newClient();
    }

    @AfterEach
    void calm() {
        FAULTS.errorRate = 0;
        FAULTS.slowPartMillis = 0;
        FAULTS.slowPutMillis = 0;
        FAULTS.dribbleGetMillis = 0;
        WRONG_ETAGS.left.set(0);
        FLIP_GETS.left.set(0);
        LISTINGS.engaged = false;
    }

    @AfterAll
    static void stop() {
        viaProxy.close();
        proxy.stop();
        direct.close();
        server.close();
    }

    private static Map<String, String> tree(Path root, int files) throws IOException {
        Map<String, String> expected = new TreeMap<>();
        for (int i = 0; i < files; i++) {
            String rel = "cam" + (i % 5) + "/f" + i + ".jpg";
            byte[] data = bytes(i, 2000 + i);
            write(root, rel, data);
            expected.put(rel, md5(data));
        }
        byte[] big = bytes(7, (11 << 20) + 5);
        write(root, "a-video/big.mp4", big);
        expected.put("a-video/big.mp4", md5(big));
        return expected;
    }

    @Test
    void uploadAndDownloadThroughFaultsStoreEveryFileExactlyOnceWithTheRightBytes(@TempDir Path src,
                                                                                  @TempDir Path dst)
            throws IOException {
        Map<String, String> expected = tree(src, 150);
        String bucket = S3TestFiles.newBucket(server, "faults");
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        FAULTS.errorRate = 0.25;
        int before = FAULTS.injected.get();
        UploadOptions options = UploadOptions.defaults().withWorkers(8).withMultipart(5L << 20, 5L << 20)
                .withRetries(12, Duration.ofMillis(5), Duration.ofMillis(80));
        TransferReport up;
        try (ParallelUploader uploader = ParallelUploader.builder(viaProxy).options(options)
                .listener(new TransferListener() {
                    @Override
                    public void onFile(FileReport o) {
                        outcomes.computeIfAbsent(o.path() + " " + o.status(), k -> new AtomicInteger()).incrementAndGet();
                    }
                }).build()) {
            up = uploader.upload(src, S3Location.parse("s3://" + bucket + "/in"));
        }
        assertThat(FAULTS.injected.get() - before).as("faults injected").isGreaterThan(20);
        assertThat(up.failures()).isEmpty();
        assertThat(up.transferred()).isEqualTo(expected.size());
        assertThat(up.retries()).isPositive();
        assertThat(outcomes).hasSize(expected.size()).allSatisfy((k, v) -> {
            assertThat(k).endsWith("TRANSFERRED");
            assertThat(v.get()).isEqualTo(1);
        });
        // checked directly against the store, not through the proxy
        Map<String, String> stored = new TreeMap<>();
        S3TestFiles.contents(direct, bucket, "").forEach((k, v) -> stored.put(k.substring("in/".length()), v));
        assertThat(stored).isEqualTo(expected);
        assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();

        TransferReport down;
        try (ParallelDownloader downloader = ParallelDownloader.builder(viaProxy).options(DownloadOptions.defaults()
                .withWorkers(8).withRanges(2 << 20, 1 << 20).withRetries(12, Duration.ofMillis(5),
                        Duration.ofMillis(80))).build()) {
            down = downloader.download(S3Location.parse("s3://" + bucket + "/in"), dst);
        }
        assertThat(down.failures()).isEmpty();
        assertThat(down.transferred()).isEqualTo(expected.size());
        Map<String, String> local = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dst)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                local.put(dst.relativize(p).toString(), md5(Files.readAllBytes(p)));
            }
        }
        assertThat(local).as("no temporary files left, every file right").isEqualTo(expected);
    }

    @Test
    void aSinglePutCountsItsBytesAsTheyAreSentAndARetriedOneOnlyOnce(@TempDir Path src) throws IOException {
        // one 3 MiB file in one PUT (below the 5 MiB multipart threshold); the store answers 400 ms after the body
        int size = 3 << 20;
        write(src, "clip.mp4", bytes(3, size));
        String bucket = S3TestFiles.newBucket(server, "progress");
        FAULTS.slowPutMillis = 400;
        UploadOptions options = UploadOptions.defaults().withWorkers(2).withMultipart(5L << 20, 5L << 20)
                .withRetries(8, Duration.ofMillis(5), Duration.ofMillis(20))
                .withProgressInterval(Duration.ofMillis(10));
        java.util.List<TransferProgress> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        TransferListener listener = new TransferListener() {
            @Override
            public void onProgress(TransferProgress p) {
                seen.add(p);
            }
        };
        try (ParallelUploader up = ParallelUploader.builder(viaProxy).options(options).listener(listener).build()) {
            assertThat(up.upload(src, S3Location.parse("s3://" + bucket + "/a")).transferred()).isEqualTo(1);
        }
        // while the store had the body but had not answered, the bytes were already counted
        assertThat(seen).anyMatch(p -> p.filesDone() == 0 && p.bytesDone() == size);
        // with failing attempts, every attempt's bytes are taken back: the total is counted once, never more
        FAULTS.slowPutMillis = 0;
        FAULTS.errorRate = 0.6;
        seen.clear();
        TransferReport r;
        try (ParallelUploader up = ParallelUploader.builder(viaProxy).options(options).listener(listener).build()) {
            r = up.upload(src, S3Location.parse("s3://" + bucket + "/b"));
        }
        assertThat(r.transferred()).isEqualTo(1);
        assertThat(seen).allMatch(p -> p.bytesDone() <= size && p.bytesDone() >= 0);
        assertThat(seen.get(seen.size() - 1).bytesDone()).isEqualTo(size);
        assertThat(md5(direct.getObjectAsBytes(b -> b.bucket(bucket).key("b/clip.mp4")).asByteArray()))
                .isEqualTo(md5(bytes(3, size)));
        // an attempt whose body was sent but whose ETag is wrong is retried: its bytes are taken back too
        FAULTS.errorRate = 0;
        WRONG_ETAGS.left.set(2);
        seen.clear();
        try (ParallelUploader up = ParallelUploader.builder(viaProxy).options(options).listener(listener).build()) {
            r = up.upload(src, S3Location.parse("s3://" + bucket + "/c"));
        }
        assertThat(r.transferred()).isEqualTo(1);
        assertThat(r.retries()).isGreaterThanOrEqualTo(2);
        assertThat(seen).allMatch(p -> p.bytesDone() <= size);
        assertThat(seen.get(seen.size() - 1).bytesDone()).isEqualTo(size);
    }

    @Test
    void cancelStopsPromptlyAndAbortsInFlightMultipartUploads(@TempDir Path src) throws IOException {
        tree(src, 300);
        String bucket = S3TestFiles.newBucket(server, "cancel");
        FAULTS.slowPartMillis = 3000;
        UploadOptions options = UploadOptions.defaults().withWorkers(4).withMultipart(5L << 20, 5L << 20);
        AtomicInteger done = new AtomicInteger();
        ParallelUploader[] holder = new ParallelUploader[1];
        TransferReport r;
        try (ParallelUploader uploader = ParallelUploader.builder(viaProxy).options(options)
                .listener(new TransferListener() {
                    @Override
                    public void onFile(FileReport o) {
                        if (o.status() == FileReport.Status.TRANSFERRED && done.incrementAndGet() == 20) {
                            holder[0].cancel();
                        }
                    }
                }).build()) {
            holder[0] = uploader;
            r = uploader.upload(src, S3Location.parse("s3://" + bucket + "/c"));
        }
        assertThat(r.cancelled()).isTrue();
        assertThat(r.isComplete()).isFalse();
        assertThat(r.transferred()).isBetween(20L, 300L);
        // what the report says was stored is what is stored, and the big file's multipart upload was aborted
        assertThat(direct.listObjectsV2(b -> b.bucket(bucket)).keyCount()).isEqualTo((int) r.transferred());
        assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        assertThat(r.failures()).extracting(TransferReport.Failure::path).contains("a-video/big.mp4");
    }

    @Test
    void cancelInterruptsAListingBlockedOnASlowStore(@TempDir Path src) throws Exception {
        write(src, "a.txt", bytes(1, 10));
        String bucket = S3TestFiles.newBucket(server, "slowlist");
        var stub = proxy.stubFor(get(urlPathEqualTo("/" + bucket)).withQueryParam("list-type", equalTo("2"))
                .atPriority(1).willReturn(aResponse().proxiedFrom(server.endpoint().toString())
                        .withFixedDelay(15_000)));
        try (ParallelUploader uploader = ParallelUploader.builder(viaProxy).build()) {
            TransferReport[] result = new TransferReport[1];
            LISTING_ARRIVED.watch(bucket);
            Thread t = new Thread(() -> result[0] = uploader.upload(src, S3Location.parse("s3://" + bucket + "/x")));
            t.start();
            // the listing request is now waiting on the proxy (its 15 s delay starts after this signal)
            assertThat(LISTING_ARRIVED.arrived.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            uploader.cancel();
            t.join(8_000);       // well before the client's 10 s read timeout: the blocked request was interrupted
            assertThat(t.isAlive()).isFalse();
            assertThat(result[0].cancelled()).isTrue();
            assertThat(result[0].transferred()).isZero();
        } finally {
            proxy.removeStub(stub);
        }
    }

    @Test
    void unsafeKeysInARealListingAreRefused(@TempDir Path dst) {
        String bucket = S3TestFiles.newBucket(server, "evil");
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + bucket + "</Name>"
                + "<Prefix>p/</Prefix><KeyCount>3</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
                + "<Contents><Key>p/../../escaped.txt</Key><Size>4</Size><ETag>\"x\"</ETag></Contents>"
                + "<Contents><Key>p//etc/passwd</Key><Size>4</Size><ETag>\"x\"</ETag></Contents>"
                + "<Contents><Key>p/./x</Key><Size>4</Size><ETag>\"x\"</ETag></Contents>"
                + "</ListBucketResult>";
        var stub = proxy.stubFor(get(urlPathEqualTo("/" + bucket)).withQueryParam("list-type", equalTo("2"))
                .atPriority(1).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/xml")
                        .withBody(xml)));
        try (ParallelDownloader down = ParallelDownloader.builder(viaProxy).build()) {
            TransferReport r = down.download(S3Location.parse("s3://" + bucket + "/p"), dst.resolve("out"));
            assertThat(r.failed()).isEqualTo(3);
            assertThat(r.transferred()).isZero();
            assertThat(r.failures()).allMatch(f -> f.reason().contains("refusing to write it outside"));
        } finally {
            proxy.removeStub(stub);
        }
        assertThat(dst.resolve("escaped.txt")).doesNotExist();
        assertThat(dst.getParent().resolve("escaped.txt")).doesNotExist();
    }

    @Test
    void bigObjectsComeAsRangesOnlyWhileWorkersWouldIdle(@TempDir Path dst) throws IOException {
        String bucket = S3TestFiles.newBucket(server, "ranges");
        Map<String, byte[]> objects = new TreeMap<>();
        objects.put("one/big.bin", S3TestFiles.bytes(1, 3 << 20));
        for (int i = 0; i < 12; i++) {
            objects.put("many/f" + i, S3TestFiles.bytes(100 + i, (3 << 20) - i));
        }
        objects.forEach((k, v) -> direct.putObject(b -> b.bucket(bucket).key(k),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(v)));
        DownloadOptions options = DownloadOptions.defaults().withWorkers(2).withRanges(1 << 20, 1 << 20);
        try (ParallelDownloader down = ParallelDownloader.builder(viaProxy).options(options).build()) {
            // one big object and idle workers: three 1 MiB ranges
            GETS.watch(bucket);
            assertThat(down.download(S3Location.parse("s3://" + bucket + "/one"), dst.resolve("one")).failures())
                    .isEmpty();
            assertThat(GETS.ranged.get()).isEqualTo(3);
            assertThat(GETS.whole.get()).isZero();
            // twelve: while both workers have a file (and more wait), each comes in one GET; only a file started
            // before the listing had queued others, or at the very end, may come in ranges
            GETS.watch(bucket);
            TransferReport r = down.download(S3Location.parse("s3://" + bucket + "/many"), dst.resolve("many"));
            assertThat(r.failures()).isEmpty();
            assertThat(r.transferred()).isEqualTo(12);
            assertThat(GETS.whole.get()).isGreaterThanOrEqualTo(9);
            assertThat(GETS.ranged.get()).isEqualTo(3 * (12 - GETS.whole.get()));
        }
        for (Map.Entry<String, byte[]> e : objects.entrySet()) {
            assertThat(Files.readAllBytes(dst.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void aWholeGetCountsItsBytesAsTheyArriveAndAFailedAttemptTakesThemBack(@TempDir Path src, @TempDir Path dst)
            throws IOException {
        int size = 3 << 20;
        write(src, "clip.mp4", bytes(4, size));
        String bucket = S3TestFiles.newBucket(server, "downprogress");
        try (ParallelUploader up = ParallelUploader.builder(direct).options(ParallelUploaderTest.small()).build()) {
            assertThat(up.upload(src, S3Location.parse("s3://" + bucket + "/a")).transferred()).isEqualTo(1);
        }
        DownloadOptions whole = DownloadOptions.defaults().withWorkers(2).withRanges(64 << 20, 16 << 20)
                .withRetries(6, Duration.ofMillis(5), Duration.ofMillis(20)).withProgressInterval(Duration.ofMillis(10));
        java.util.List<TransferProgress> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        TransferListener listener = new TransferListener() {
            @Override
            public void onProgress(TransferProgress p) {
                seen.add(p);
            }
        };
        // the body arrives over 600 ms: the progress moves before the file is done
        FAULTS.dribbleGetMillis = 600;
        try (ParallelDownloader down = ParallelDownloader.builder(viaProxy).options(whole).listener(listener)
                .build()) {
            assertThat(down.download(S3Location.parse("s3://" + bucket + "/a"), dst.resolve("slow")).transferred())
                    .isEqualTo(1);
        }
        assertThat(seen).anyMatch(p -> p.filesDone() == 0 && p.bytesDone() > 0 && p.bytesDone() < size);
        // two answers come with a flipped byte: those attempts fail their CRC after counting every byte, and take
        // them back; the total is counted once, never more
        FAULTS.dribbleGetMillis = 0;
        FLIP_GETS.left.set(2);
        seen.clear();
        TransferReport r;
        try (ParallelDownloader down = ParallelDownloader.builder(viaProxy).options(whole).listener(listener)
                .build()) {
            r = down.download(S3Location.parse("s3://" + bucket + "/a"), dst.resolve("flipped"));
        }
        assertThat(r.transferred()).isEqualTo(1);
        assertThat(r.retries()).isEqualTo(2);
        assertThat(FLIP_GETS.left.get()).isZero();
        assertThat(seen).allMatch(p -> p.bytesDone() <= size && p.bytesDone() >= 0);
        assertThat(seen.get(seen.size() - 1).bytesDone()).isEqualTo(size);
        assertThat(Files.readAllBytes(dst.resolve("flipped/clip.mp4"))).isEqualTo(bytes(4, size));
    }

    @Test
    void theSkipCheckListsFoldersAheadInParallelAndEachOnce(@TempDir Path src) throws IOException {
        // 20 folders of 3 files, uploaded; the second run only lists each folder, once, several at once
        for (int d = 0; d < 20; d++) {
            for (int f = 0; f < 3; f++) {
                write(src, String.format("d%02d/f%d.txt", d, f), bytes(d * 10L + f, 100 + f));
            }
        }
        String bucket = S3TestFiles.newBucket(server, "ahead");
        UploadOptions options = UploadOptions.defaults().withWorkers(4);
        try (ParallelUploader up = ParallelUploader.builder(viaProxy).options(options).build()) {
            assertThat(up.upload(src, S3Location.parse("s3://" + bucket + "/t")).transferred()).isEqualTo(60);
        }
        LISTINGS.arm(4);
        TransferReport again;
        try (ParallelUploader up = ParallelUploader.builder(viaProxy).options(options).build()) {
            again = up.upload(src, S3Location.parse("s3://" + bucket + "/t"));
        }
        assertThat(again.skipped()).isEqualTo(60);
        assertThat(again.transferred()).isZero();
        assertThat(again.listRequests()).as("each folder once (the root holds no file: not listed)").isEqualTo(20);
        assertThat(LISTINGS.reached).as("4 folder listings were in flight at once").isTrue();
    }

    @Test
    void listingsAheadInADeepTreeListEachFolderAtMostOnceAndSkipEverything(@TempDir Path src) throws IOException {
        // 20 years holding only months (more than the 16 listings ahead), months holding days and a file, days
        // holding files: a window full of folders without files, and folders entered past their listing ahead
        int files = 0;
        java.util.Set<String> withFiles = new java.util.HashSet<>();
        for (int y = 0; y < 20; y++) {
            for (int m = 0; m < 2; m++) {
                String month = String.format("y%02d/m%d", y, m);
                write(src, month + "/notes.txt", bytes(y * 100L + m, 50));
                withFiles.add(month);
                files++;
                for (int d = 0; d < 2; d++) {
                    write(src, month + String.format("/d%d/a.txt", d), bytes(y * 1000L + m * 10 + d, 60));
                    write(src, month + String.format("/d%d-b/b.txt", d), bytes(y * 1000L + m * 10 + d + 5, 70));
                    withFiles.add(month + "/d" + d);
                    withFiles.add(month + "/d" + d + "-b");
                    files += 2;
                }
            }
        }
        int allFolders = 20 + withFiles.size();
        String bucket = S3TestFiles.newBucket(server, "deep");
        UploadOptions options = UploadOptions.defaults().withWorkers(4);
        try (ParallelUploader up = ParallelUploader.builder(viaProxy).options(options).build()) {
            assertThat(up.upload(src, S3Location.parse("s3://" + bucket + "/t")).transferred()).isEqualTo(files);
            TransferReport again = up.upload(src, S3Location.parse("s3://" + bucket + "/t"));
            assertThat(again.skipped()).isEqualTo(files);
            assertThat(again.transferred()).isZero();
            assertThat(again.failed()).isZero();
            assertThat(again.listRequests()).as("every folder with files once, no folder twice")
                    .isBetween((long) withFiles.size(), (long) allFolders);
        }
    }
}
