package io.stowage.des.ingest;

import io.stowage.des.DesWriter;
import io.stowage.des.s3.IndexCache;
import io.stowage.des.s3.RedisIndexCache;
import io.stowage.des.s3.S3DesSink;
import io.stowage.des.s3.S3ExternalStore;
import io.stowage.s3.EmbeddedS3;
import io.stowage.testing.core.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Files by DES name from containers in EmbeddedS3 with the shared Redis index cache. The name index is a map here;
 * DesPackerFilesTest serves what the packer packed through the real {@link NameIndex}.
 */
class DesFileServiceTest {
    static final String BUCKET = "des-archives";
    static final String KEY = "2025-01-15/shard_07.des";
    static EmbeddedS3 server;
    static S3Client s3;
    static final Map<String, byte[]> FILES = new LinkedHashMap<>();
    static final Map<String, IndexedEntry> INDEX = new LinkedHashMap<>();
    static final AtomicInteger LOOKUPS = new AtomicInteger();

    @BeforeAll
    static void pack(@TempDir Path dir) throws Exception {
        server = EmbeddedS3.builder().directory(dir).bucket(BUCKET).start();
        s3 = server.newClient();
        Random rnd = new Random(7);
        try (DesWriter w = DesWriter.builder(S3DesSink.create(s3, BUCKET, KEY))
                .externalThreshold(256 * 1024).externalStore(S3ExternalStore.create(s3, BUCKET), "2025-01-15")
                .build()) {
            for (int i = 0; i < 40; i++) {
                int size = i == 39 ? 600_000 : i == 38 ? 0 : 1 + rnd.nextInt(8192);   // one external, one empty
                byte[] b = new byte[size];
                rnd.nextBytes(b);
                String entry = "cam-" + i + ".jpg";
                String name = String.format("DES_20250115_(%012X_%02X)", 0x1000L + i, i);
                w.add(entry, b, Map.of("source_file_id", i));
                FILES.put(name, b);
                INDEX.put(name, new IndexedEntry(12, null, KEY, 7, LocalDate.of(2025, 1, 15), entry));
            }
            w.finish();
        }
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    static DesFileService.Locator locator() {
        return n -> {
            LOOKUPS.incrementAndGet();
            return Optional.ofNullable(INDEX.get(n));
        };
    }

    static RedisIndexCache redis() {
        TestRedis.requireReachable();
        return RedisIndexCache.builder(TestRedis.url()).keyPrefix(TestRedis.prefix(DesFileServiceTest.class)).build();
    }

    @Test
    void everyFileIsServedByteIdenticalWithRangesFromTwoStatelessInstances() throws Exception {
        try (RedisIndexCache shared = redis()) {
            for (int instance = 0; instance < 2; instance++) {
                try (DesFileService files = DesFileService.builder(s3, BUCKET, locator())
                        .indexCache(IndexCache.layered(IndexCache.caffeine(8 << 20), shared)).build()) {
                    for (Map.Entry<String, byte[]> f : FILES.entrySet()) {
                        byte[] want = f.getValue();
                        DesFileService.FileInfo info = files.head(f.getKey()).orElseThrow();
                        assertThat(info.size()).isEqualTo(want.length);
                        assertThat(info.container()).isEqualTo(KEY);
                        assertThat(info.shardId()).isEqualTo(7);
                        assertThat(info.external()).isEqualTo(want.length == 600_000);
                        try (DesFileService.FileStream s = files.open(f.getKey(), 0, -1).orElseThrow()) {
                            assertThat(s.partial()).isFalse();
                            assertThat(s.body().readAllBytes()).isEqualTo(want);
                        }
                        if (want.length > 10) {
                            long start = want.length / 3;
                            try (DesFileService.FileStream s = files.open(f.getKey(), start, 7).orElseThrow()) {
                                assertThat(s.partial()).isTrue();
                                assertThat(s.body().readAllBytes())
                                        .isEqualTo(Arrays.copyOfRange(want, (int) start, (int) start + 7));
                            }
                            try (DesFileService.FileStream s = files.open(f.getKey(), start, -1).orElseThrow()) {
                                assertThat(s.length()).isEqualTo(want.length - start);
                                assertThat(s.body().readAllBytes())
                                        .isEqualTo(Arrays.copyOfRange(want, (int) start, want.length));
                            }
                            assertThatThrownBy(() -> files.open(f.getKey(), want.length, -1))
                                    .isInstanceOf(DesIngestRangeNotSatisfiableException.class);
                        }
                    }
                }
            }
        }
    }

    /** A client that counts the HTTP requests it sends (an SDK interceptor: the real requests, nothing faked). */
    static S3Client counting(AtomicInteger requests) {
        return S3Client.builder().httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("any", "any")))
                .endpointOverride(server.endpoint()).forcePathStyle(true)
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(c -> c.addExecutionInterceptor(
                        new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                            @Override
                            public void beforeTransmission(software.amazon.awssdk.core.interceptor.Context
                                    .BeforeTransmission context, software.amazon.awssdk.core.interceptor
                                    .ExecutionAttributes attributes) {
                                requests.incrementAndGet();
                            }
                        }))
                .build();
    }

    @Test
    void onceTheSharedIndexIsWarmAnotherInstanceNeedsOneRequestPerFile() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        List<String> names = List.copyOf(FILES.keySet());
        try (S3Client client = counting(requests);
             RedisIndexCache shared = RedisIndexCache.builder(TestRedis.url())
                     .keyPrefix(TestRedis.prefix(DesFileServiceTest.class) + "warm:").build()) {
            shared.invalidate(BUCKET, KEY);
            try (DesFileService a = DesFileService.builder(client, BUCKET, locator())
                    .indexCache(IndexCache.layered(IndexCache.caffeine(8 << 20), shared)).build()) {
                try (InputStream in = a.open(names.get(0), 0, -1).orElseThrow().body()) {
                    assertThat(in.readAllBytes()).isEqualTo(FILES.get(names.get(0)));
                }
            }
            int cold = requests.getAndSet(0);
            assertThat(cold).as("cold: the index, then the payload").isEqualTo(2);
            try (DesFileService b = DesFileService.builder(client, BUCKET, locator())
                    .indexCache(IndexCache.layered(IndexCache.caffeine(8 << 20), shared)).build()) {
                for (int i = 1; i <= 5; i++) {
                    try (InputStream in = b.open(names.get(i), 0, -1).orElseThrow().body()) {
                        assertThat(in.readAllBytes()).isEqualTo(FILES.get(names.get(i)));
                    }
                    assertThat(requests.getAndSet(0)).as("file " + i + " on the second instance").isEqualTo(1);
                }
                assertThat(b.head(names.get(9))).isPresent();
                assertThat(requests.get()).as("HEAD of a warm container").isZero();
            }
        }
    }

    @Test
    void anUnknownNameIsEmptyWithoutAnyS3RequestEvenWhenTheStoreIsDown(@TempDir Path dir) throws Exception {
        EmbeddedS3 down = EmbeddedS3.builder().directory(dir).bucket(BUCKET).start();
        S3Client client = down.settings().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withSdkMaxAttempts(2).newClient();
        down.close();
        try (client; DesFileService files = DesFileService.builder(client, BUCKET, locator()).build()) {
            assertThat(files.head("DES_20990101_(000000000000_00)")).isEmpty();
            assertThat(files.open("nope", 0, -1)).isEmpty();
            String known = FILES.keySet().iterator().next();
            assertThatThrownBy(() -> files.open(known, 0, -1))
                    .isInstanceOfSatisfying(DesIngestFileUnavailableException.class, e -> {
                        assertThat(e.desName()).isEqualTo(known);
                        assertThat(e.container()).isEqualTo(KEY);
                    })
                    .hasMessageContaining(KEY);
            assertThatThrownBy(() -> files.head(known)).isInstanceOf(DesIngestFileUnavailableException.class);
        }
    }

    @Test
    void aNameIndexThatCannotBeReadIsUnavailableNotNotFound() {
        try (DesFileService files = DesFileService.builder(s3, BUCKET, n -> {
            throw new IllegalStateException("connection refused");
        }).build()) {
            assertThatThrownBy(() -> files.head("DES_x")).isInstanceOf(DesIngestFileUnavailableException.class)
                    .hasMessageContaining("name index");
        }
    }

    @Test
    void locationsAreCachedSoAWarmFileNeedsNoIndexLookup() throws Exception {
        try (DesFileService files = DesFileService.builder(s3, BUCKET, locator()).build()) {
            String name = FILES.keySet().iterator().next();
            int before = LOOKUPS.get();
            for (int i = 0; i < 5; i++) {
                try (InputStream in = files.open(name, 0, -1).orElseThrow().body()) {
                    in.readAllBytes();
                }
            }
            assertThat(LOOKUPS.get() - before).isEqualTo(1);
        }
    }
}
