package io.stowage.benchmarks.dess3;

import io.stowage.des.DesWriter;
import io.stowage.s3.EmbeddedS3;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;

/**
 * An EmbeddedS3 with archives of 4 KiB entries and a client that counts the HTTP requests it sends (every attempt,
 * HEAD included), shared by the dess3 benchmarks. Not thread-safe to set up; the client is thread-safe.
 */
final class BenchStore implements AutoCloseable {
    static final String BUCKET = "bench";
    static final int SIZE = 4096;

    final Path dir;
    final EmbeddedS3 s3;
    final S3Client client;
    final LongAdder requests = new LongAdder();
    final LongAdder heads = new LongAdder();
    final String[] names;

    BenchStore(int archives, int entries) throws IOException {
        dir = Files.createTempDirectory("des-s3-bench");
        s3 = EmbeddedS3.builder().directory(dir.resolve("store")).bucket(BUCKET).start();
        client = S3Client.builder()
                .endpointOverride(s3.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context,
                                                   ExecutionAttributes executionAttributes) {
                        requests.increment();
                        if (context.httpRequest().method().name().equals("HEAD")) {
                            heads.increment();
                        }
                    }
                }))
                .build();
        names = new String[entries];
        for (int i = 0; i < entries; i++) {
            names[i] = String.format("IMG_20250115_%06d.jpg", i);
        }
        Random r = new Random(3);
        byte[] buf = new byte[SIZE];
        for (int a = 0; a < archives; a++) {
            Path f = dir.resolve("a" + a + ".des");
            try (DesWriter w = DesWriter.builder(f).build()) {
                for (int i = 0; i < entries; i++) {
                    r.nextBytes(buf);
                    w.add(names[i], buf, java.util.Map.of("camera", "cam-" + (i % 16)));
                }
                w.finish();
            }
            String k = key(a);
            client.putObject(b -> b.bucket(BUCKET).key(k), RequestBody.fromFile(f));
            Files.delete(f);
        }
    }

    static String key(int archive) {
        return "2025-01-15/shard_" + archive + "/day.des";
    }

    long requests() {
        return requests.sum();
    }

    @Override
    public void close() throws IOException {
        client.close();
        s3.close();
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
