package io.stowage.des.s3;

import io.stowage.s3.S3Settings;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.TestRedis;
import io.stowage.testing.core.WireLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The caches against the real Redis of this machine ({@code STOWAGE_TEST_REDIS_URL}) under a key prefix of this class,
 * deleted afterwards; request counts through the counting proxy.
 */
class IndexCacheTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    static final String PREFIX = TestRedis.prefix(IndexCacheTest.class);
    static WireLog proxy;
    static S3Client viaProxy;
    static RedisIndexCache redis;
    @TempDir
    static Path tmp;
    static final Map<String, byte[]> ENTRIES = Fixtures.entries(300, 700);

    @BeforeAll
    static void start() throws Exception {
        TestRedis.requireReachable();
        // a generous timeout and no back-off: on a loaded machine a slow GET must not mark Redis down for 5 s, or
        // the SETs the tests wait for are skipped (a test of the cache, not of its outage handling)
        redis = RedisIndexCache.builder(TestRedis.url()).keyPrefix(PREFIX).ttl(Duration.ofMinutes(10))
                .commandTimeout(Duration.ofSeconds(10)).retryAfter(Duration.ZERO).build();
        proxy = new WireLog(S3.endpoint());
        S3Settings direct = S3.settings();
        viaProxy = S3Settings.forEndpoint(proxy.endpoint()).withCredentials(direct.accessKey(), direct.secretKey())
                .withSdkMaxAttempts(1).newClient();
    }

    @AfterAll
    static void stop() {
        try {
            if (redis != null) {
                redis.clear();
                redis.close();
            }
        } finally {
            if (viaProxy != null) {
                viaProxy.close();
                proxy.close();
            }
        }
    }

    @BeforeEach
    void reset() {
        proxy.clearRequests();
    }

    void upload(String key) {
        Fixtures.put(S3.client(), S3.bucket(), key, Fixtures.archive(tmp, ENTRIES, true));
    }

    /** Waits until the asynchronous SET has landed: polls the condition itself, up to a 10 s deadline. */
    static void awaitInRedis(String bucket, String key) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (redis.get(bucket, key) == null && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.sleep(1);
        }
        assertThat(redis.get(bucket, key)).as("index of " + key + " in Redis").isNotNull();
    }

    @Test
    void aCachedIndexAnsweringNoEntryNamedXConfirmsAgainstTheStoreBeforeNotFound() throws Exception {
        Map<String, byte[]> v2 = new java.util.LinkedHashMap<>(ENTRIES);
        v2.put("new.jpg", Fixtures.payload(77, 1234));
        byte[] second = Fixtures.archive(tmp, v2, true);
        for (String kind : new String[] {"caffeine", "redis"}) {
            String key = "replaced-" + kind + ".des";
            IndexCache cache = kind.equals("redis") ? redis : IndexCache.caffeine(8L << 20);
            upload(key);
            try (S3DesReader first = S3DesReader.builder(viaProxy, S3.bucket(), key).indexCache(cache).open()) {
                first.read("e0001");
            }
            if (kind.equals("redis")) {
                awaitInRedis(S3.bucket(), key);
            }
            Fixtures.put(S3.client(), S3.bucket(), key, second);   // replaced under its key: the cache is stale
            proxy.clearRequests();
            try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), key).indexCache(cache).open()) {
                assertThat(requests()).as(kind + ": the index came from the cache").isZero();
                assertThat(r.contains("new.jpg")).as(kind).isTrue();
                assertThat(Fixtures.bytes(r.read("new.jpg"))).isEqualTo(v2.get("new.jpg"));
                assertThat(r.stats().reloads()).isEqualTo(1);
            }
            proxy.clearRequests();
            try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), key).indexCache(cache).open()) {
                // the cache is current now: a name that really is missing costs one conditional request, once
                assertThatThrownBy(() -> r.entry("absent.jpg"))
                        .isInstanceOf(io.stowage.des.DesEntryNotFoundException.class);
                assertThatThrownBy(() -> r.read("absent.jpg"))
                        .isInstanceOf(io.stowage.des.DesEntryNotFoundException.class);
                assertThat(requests()).as(kind).isEqualTo(1);
                assertThat(proxy.requests().get(0).ifMatch()).isNotNull();
            }
        }
    }

    @Test
    void redisSharesAnIndexBetweenReadersThatShareNothingElse() throws Exception {
        upload("shared.des");
        try (S3DesReader first = S3DesReader.builder(viaProxy, S3.bucket(), "shared.des").indexCache(redis).open()) {
            first.read("e0001");
        }
        awaitInRedis(S3.bucket(), "shared.des");
        proxy.clearRequests();
        // another "process": its own Caffeine in front of the same Redis
        IndexCache local = IndexCache.layered(IndexCache.caffeine(8L << 20), redis);   // not closed: redis is shared
        try (S3DesReader second = S3DesReader.builder(viaProxy, S3.bucket(), "shared.des").indexCache(local).open()) {
            assertThat(requests()).isZero();
            assertThat(Fixtures.bytes(second.read("e0299"))).isEqualTo(ENTRIES.get("e0299"));
            assertThat(requests()).isEqualTo(1);
            assertThat(second.list()).hasSize(300);
            assertThat(second.stats().indexLoads()).isZero();
        }
    }

    static int requests() {
        return proxy.requests().size();
    }

    @Test
    void aDamagedRedisValueIsAMissNeverAWrongOffset() throws Exception {
        upload("damaged.des");
        try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), "damaged.des").indexCache(redis).open()) {
            r.read("e0002");
        }
        awaitInRedis(S3.bucket(), "damaged.des");
        // overwrite the value with garbage through a second connection
        try (var client = io.lettuce.core.RedisClient.create(TestRedis.url());
             var c = client.connect()) {
            c.sync().set(PREFIX + S3.bucket() + "/damaged.des", "SDI1 not really an index");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        proxy.clearRequests();
        try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), "damaged.des").indexCache(redis).open()) {
            assertThat(Fixtures.bytes(r.read("e0100"))).isEqualTo(ENTRIES.get("e0100"));
            assertThat(r.stats().indexLoads()).isEqualTo(1);   // loaded from S3 again
            assertThat(requests()).isEqualTo(2);
        }
    }

    @Test
    void aRedisThatIsDownDegradesToDirectReadsWithoutFailing() throws Exception {
        upload("down.des");
        // a port bound but not listening (connections are refused), held for the whole test, so no other process
        // can take its number in between
        try (java.net.Socket held = bound();
             RedisIndexCache dead = RedisIndexCache.builder("redis://127.0.0.1:" + held.getLocalPort())
                .commandTimeout(Duration.ofMillis(100)).retryAfter(Duration.ofSeconds(30)).build()) {
            for (int i = 0; i < 3; i++) {
                try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), "down.des").indexCache(dead).open()) {
                    assertThat(Fixtures.bytes(r.read("e0003"))).isEqualTo(ENTRIES.get("e0003"));
                }
            }
            assertThat(dead.isDown()).isTrue();
            assertThat(requests()).isEqualTo(6);   // 2 per cold read, nothing else
        }
    }

    static java.net.Socket bound() throws IOException {
        java.net.Socket s = new java.net.Socket();
        s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
        return s;
    }

    @Test
    void caffeineIsBoundedByTheWeightOfTheIndexesNotTheirCount() throws Exception {
        CaffeineIndexCache cache = (CaffeineIndexCache) IndexCache.caffeine(1L << 20);
        byte[] archive = Fixtures.archive(tmp, ENTRIES, true);
        for (int i = 0; i < 8; i++) {
            Fixtures.put(S3.client(), S3.bucket(), "w" + i + ".des", archive);
            try (S3DesReader r = S3DesReader.builder(S3.client(), S3.bucket(), "w" + i + ".des").indexCache(cache)
                    .open()) {
                assertThat(r.index().size()).isEqualTo(300);
            }
        }
        // one 300-entry index weighs ~ 300 x (META+INDEX ~ 80 + 160) bytes: about 14 fit in 1 MiB, 8 do
        assertThat(cache.size()).isEqualTo(8);
        assertThat(cache.weightedSize()).isLessThanOrEqualTo(1L << 20);
        Map<String, byte[]> huge = Fixtures.entries(4000, 1);
        Fixtures.put(S3.client(), S3.bucket(), "huge.des", Fixtures.archive(tmp, huge, true));
        try (S3DesReader r = S3DesReader.builder(S3.client(), S3.bucket(), "huge.des").indexCache(cache).open()) {
            assertThat(r.list()).hasSize(4000);
        }
        assertThat(cache.weightedSize()).isLessThanOrEqualTo(1L << 20);
        assertThat(cache.size()).isLessThan(9);
        assertThatThrownBy(() -> IndexCache.caffeine(1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 MiB");
    }

    @Test
    void theRedisEncodingIsCompactAndRoundTrips() throws Exception {
        upload("codec.des");
        try (S3DesReader r = S3DesReader.builder(S3.client(), S3.bucket(), "codec.des").indexCache(redis).open()) {
            awaitInRedis(S3.bucket(), "codec.des");
            CachedIndex back = redis.get(S3.bucket(), "codec.des");
            assertThat(back.etag()).isEqualTo(r.etag());
            assertThat(back.index().entries()).hasSize(300);
            assertThat(back.index().get("e0123").dataOffset()).isEqualTo(r.entry("e0123").dataOffset());
            assertThat(back.index().get("e0123").meta()).isEqualTo(r.entry("e0123").meta());
            byte[] encoded = IndexCodec.encode(back);
            assertThat(encoded.length).isLessThan(back.suffix().length);   // deflated
        }
    }

    @Test
    void redisUrlsAreCheckedWithTheExpectedForm() {
        assertThatThrownBy(() -> RedisIndexCache.builder("127.0.0.1:6379")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis://127.0.0.1:6379");
        assertThat(PREFIX.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(10);
    }

    @Test
    void clearDeletesOnlyThisPrefix() throws IOException {
        try (var client = io.lettuce.core.RedisClient.create(TestRedis.url()); var c = client.connect()) {
            c.sync().set(PREFIX + "x/y", "1");
            String other = TestRedis.prefix(IndexCacheTest.class) + "keep";
            c.sync().set(other, "1");
            try (RedisIndexCache scoped = RedisIndexCache.builder(TestRedis.url()).keyPrefix(PREFIX + "x/").build()) {
                assertThat(scoped.clear()).isEqualTo(1);
            }
            assertThat(c.sync().get(other)).isEqualTo("1");
            c.sync().del(other);
        }
    }
}
