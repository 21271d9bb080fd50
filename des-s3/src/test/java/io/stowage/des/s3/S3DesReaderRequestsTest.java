package io.stowage.des.s3;

import io.stowage.des.DesReadOptions;
import io.stowage.s3.S3Settings;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.WireLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Counts what the store receives (a real HTTP proxy in front of EmbeddedS3): cold read 2 GETs (3 with an index larger
 * than the first range), warm read 1, a batch of 50 adjacent entries 1 payload GET, never a HEAD; an archive replaced
 * between index load and payload read is detected and the index reloaded.
 */
class S3DesReaderRequestsTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    static WireLog proxy;
    static S3Client viaProxy;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = new WireLog(S3.endpoint());
        S3Settings direct = S3.settings();
        viaProxy = S3Settings.forEndpoint(proxy.endpoint()).withCredentials(direct.accessKey(), direct.secretKey())
                .withSdkMaxAttempts(1).newClient();
    }

    @AfterAll
    static void stopProxy() {
        viaProxy.close();
        proxy.close();
    }

    @BeforeEach
    void reset() {
        proxy.clearRequests();
    }

    static final Map<String, byte[]> ENTRIES = Fixtures.entries(200, 1024);

    String upload(String key, Map<String, byte[]> entries) {
        Fixtures.put(S3.client(), S3.bucket(), key, Fixtures.archive(tmp, entries, true));
        return key;
    }

    List<WireLog.Request> requests() {
        return proxy.requests();
    }

    @Test
    void eachRecordOfADuplicatedNameOpensWithOneRangedGet() throws Exception {
        Path local = tmp.resolve("dup.des");
        try (io.stowage.des.DesWriter w = io.stowage.des.DesWriter.builder(local).allowDuplicateNames(true)
                .overwrite(true).build()) {
            w.add("a", "first".getBytes(), null);
            w.add("a", "second".getBytes(), null);
            w.finish();
        }
        Fixtures.put(S3.client(), S3.bucket(), "day/dup.des", java.nio.file.Files.readAllBytes(local));
        try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), "day/dup.des").open()) {
            proxy.clearRequests();
            try (java.io.InputStream in = r.openStream(r.list().get(0))) {
                assertThat(in.readAllBytes()).isEqualTo("first".getBytes());
            }
            assertThat(requests()).hasSize(1).allMatch(WireLog.Request::isGet);
            assertThat(Fixtures.bytes(r.read("a"))).isEqualTo("second".getBytes()); // by name: the last one
            assertThat(r.verify().ok()).isTrue();
        }
    }

    @Test
    void coldReadIsTwoGetsAndWarmReadIsOne() {
        upload("day/a.des", ENTRIES);
        try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), "day/a.des").open()) {
            assertThat(Fixtures.bytes(r.read("e0007"))).isEqualTo(ENTRIES.get("e0007"));
            List<WireLog.Request> cold = requests();
            assertThat(cold).as(cold.toString()).hasSize(2).allMatch(WireLog.Request::isGet);
            assertThat(cold.get(0).range()).isEqualTo("bytes=-" + S3DesReader.DEFAULT_FIRST_RANGE);
            assertThat(cold.get(0).ifMatch()).isNull();
            assertThat(cold.get(1).range()).startsWith("bytes=");
            assertThat(cold.get(1).ifMatch()).isEqualTo(r.etag());
            assertThat(cold).allMatch(q -> q.status() == 206);

            proxy.clearRequests();
            assertThat(Fixtures.bytes(r.read("e0150"))).isEqualTo(ENTRIES.get("e0150"));
            byte[] into = new byte[2000];
            assertThat(r.read("e0151", into, 7)).isEqualTo(1024);
            assertThat(requests()).as(requests().toString()).hasSize(2).allMatch(WireLog.Request::isGet);
            assertThat(r.stats().indexLoads()).isEqualTo(1);
        }
        assertThat(requests()).noneMatch(q -> q.method().equals("HEAD"));
    }

    @Test
    void aSharedCacheMakesTheFirstReadOfANewReaderOneGet() {
        upload("b.des", ENTRIES);
        IndexCache cache = IndexCache.caffeine(16L << 20);
        try (S3DesReader first = S3DesReader.builder(viaProxy, S3.bucket(), "b.des").indexCache(cache).open()) {
            first.read("e0001");
        }
        proxy.clearRequests();
        try (S3DesReader second = S3DesReader.builder(viaProxy, S3.bucket(), "b.des").indexCache(cache).open()) {
            assertThat(requests()).isEmpty();   // open: the index came from the cache
            assertThat(Fixtures.bytes(second.read("e0199"))).isEqualTo(ENTRIES.get("e0199"));
            assertThat(requests()).hasSize(1);
            assertThat(requests().get(0).ifMatch()).isNotNull();
            assertThat(second.stats()).isEqualTo(new S3DesReader.Stats(1, 0, 0));
        }
    }

    @Test
    void anIndexLargerThanTheFirstRangeCostsOneMoreGet() {
        Map<String, byte[]> many = Fixtures.entries(400, 16);   // ~ 400 x 80 bytes of META+INDEX > 4 KiB
        upload("big-index.des", many);
        try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), "big-index.des").firstRange(4096).open()) {
            assertThat(r.index().footer().tailLength()).isGreaterThan(4096);
            assertThat(Fixtures.bytes(r.read("e0399"))).isEqualTo(many.get("e0399"));
            List<WireLog.Request> q = requests();
            assertThat(q).as(q.toString()).hasSize(3).allMatch(WireLog.Request::isGet);
            assertThat(q.get(0).range()).isEqualTo("bytes=-4096");
            assertThat(q.get(1).ifMatch()).isEqualTo(r.etag());   // the rest of the index, same version
        }
    }

    @Test
    void aBatchOfFiftyAdjacentEntriesIsOnePayloadGet() {
        upload("batch.des", ENTRIES);
        try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), "batch.des").open()) {
            proxy.clearRequests();
            List<String> names = new ArrayList<>();
            for (int i = 120; i >= 71; i--) {   // out of order on purpose
                names.add(String.format("e%04d", i));
            }
            Map<String, ByteBuffer> got = r.readAll(names);
            assertThat(requests()).as(requests().toString()).hasSize(1);
            assertThat(got.keySet()).containsExactlyElementsOf(names);
            for (String n : names) {
                assertThat(Fixtures.bytes(got.get(n))).as(n).isEqualTo(ENTRIES.get(n));
            }
        }
    }

    @Test
    void entriesFartherApartThanTheMergeGapAreSeparateGets() {
        upload("gap.des", ENTRIES);
        try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), "gap.des")
                .options(DesReadOptions.defaults().withMergeGap(0)).open()) {
            proxy.clearRequests();
            r.readAll(List.of("e0001", "e0002", "e0010", "e0100"));   // 1-2 adjacent; 10 and 100 apart
            assertThat(requests()).hasSize(3);
        }
    }

    @Test
    void manyArchivesAreReadInParallelWithOneGetEach() {
        upload("m1.des", ENTRIES);
        upload("m2.des", Fixtures.entries(30, 512));
        IndexCache cache = IndexCache.caffeine(16L << 20);
        try (S3DesReader a = S3DesReader.builder(viaProxy, S3.bucket(), "m1.des").indexCache(cache).open();
             S3DesReader b = S3DesReader.builder(viaProxy, S3.bucket(), "m2.des").indexCache(cache).open()) {
            proxy.clearRequests();
            Map<S3DesReader, Map<String, ByteBuffer>> got = S3DesReader.readAll(Map.of(
                    a, List.of("e0003", "e0004", "e0005"), b, List.of("e0010", "e0011")));
            assertThat(requests()).hasSize(2);
            assertThat(Fixtures.bytes(got.get(a).get("e0004"))).isEqualTo(ENTRIES.get("e0004"));
            assertThat(Fixtures.bytes(got.get(b).get("e0011"))).isEqualTo(Fixtures.payload(11, 512));
        }
    }

    @Test
    void anArchiveReplacedAfterItsIndexWasLoadedIsReloadedNeverReadAtStaleOffsets() {
        upload("replaced.des", ENTRIES);
        IndexCache cache = IndexCache.caffeine(16L << 20);
        try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), "replaced.des").indexCache(cache).open()) {
            String oldEtag = r.etag();
            // same names, other sizes and bytes: every old offset is wrong for the new object
            Map<String, byte[]> v2 = new java.util.LinkedHashMap<>();
            v2.put("zz-first", Fixtures.payload(9999, 777));
            for (int i = 0; i < 200; i++) {
                v2.put(String.format("e%04d", i), Fixtures.payload(5000 + i, 333 + i));
            }
            upload("replaced.des", v2);
            proxy.clearRequests();

            assertThat(Fixtures.bytes(r.read("e0042"))).isEqualTo(v2.get("e0042"));
            List<WireLog.Request> q = requests();
            // payload GET refused (412), index reloaded (1 GET), payload GET again
            assertThat(q).as(q.toString()).hasSize(3).allMatch(WireLog.Request::isGet);
            assertThat(q.get(0).ifMatch()).isEqualTo(oldEtag);
            assertThat(q.get(0).status()).isEqualTo(412);
            assertThat(r.etag()).isNotEqualTo(oldEtag);
            assertThat(r.stats().reloads()).isEqualTo(1);
            assertThat(r.contains("zz-first")).isTrue();
            // the cache now holds the new index: a new reader reads right away
            try (S3DesReader fresh = S3DesReader.builder(viaProxy, S3.bucket(), "replaced.des").indexCache(cache)
                    .open()) {
                assertThat(fresh.etag()).isEqualTo(r.etag());
            }
            // batches reload too
            upload("replaced.des", ENTRIES);
            assertThat(Fixtures.bytes(r.readAll(List.of("e0001", "e0002")).get("e0002")))
                    .isEqualTo(ENTRIES.get("e0002"));
            assertThat(r.stats().reloads()).isEqualTo(2);
        }
    }

    @Test
    void aStaleCachedIndexIsDetectedOnTheFirstRead() {
        upload("stale.des", ENTRIES);
        IndexCache cache = IndexCache.caffeine(16L << 20);
        try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), "stale.des").indexCache(cache).open()) {
            r.read("e0000");
        }
        Map<String, byte[]> v2 = Fixtures.entries(5, 4000);
        upload("stale.des", v2);
        proxy.clearRequests();
        try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), "stale.des").indexCache(cache).open()) {
            assertThat(requests()).isEmpty();   // opened from the (stale) cache
            assertThat(Fixtures.bytes(r.read("e0003"))).isEqualTo(v2.get("e0003"));
            assertThat(r.list()).hasSize(5);
            assertThat(requests()).hasSize(3);
        }
    }

    @Test
    void zeroLengthEntriesCostNoRequest() {
        upload("zero.des", Map.of("empty", new byte[0]));
        try (S3DesReader r = S3DesReader.builder(viaProxy, S3.bucket(), "zero.des").open()) {
            proxy.clearRequests();
            assertThat(r.read("empty").remaining()).isZero();
            assertThat(requests()).isEmpty();
        }
    }
}
