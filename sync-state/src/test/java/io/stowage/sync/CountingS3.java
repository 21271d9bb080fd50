package io.stowage.sync;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An S3 client for tests that counts every request by operation and records the keys of successful PUTs (in memory,
 * and appended to a log file when given, so a child process's PUTs can be counted by the test).
 */
final class CountingS3 implements ExecutionInterceptor {
    final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    final List<String> putKeys = new CopyOnWriteArrayList<>();
    private final Path putLog;
    private final long putDelayMs;
    /** PUTs of keys ending with one of these fail on the client side before anything is sent. */
    final java.util.Set<String> failSuffixes = ConcurrentHashMap.newKeySet();

    CountingS3(Path putLog, long putDelayMs) {
        this.putLog = putLog;
        this.putDelayMs = putDelayMs;
    }

    static S3Client client(URI endpoint, CountingS3 counter) {
        return S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("stowage", "stowage")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
                .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
                .build();
    }

    long count(String operation) {
        AtomicLong n = requests.get(operation);
        return n == null ? 0 : n.get();
    }

    long total() {
        return requests.values().stream().mapToLong(AtomicLong::get).sum();
    }

    void reset() {
        requests.clear();
        putKeys.clear();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attrs) {
        if (context.request() instanceof PutObjectRequest put) {
            for (String suffix : failSuffixes) {
                if (put.key().endsWith(suffix)) {
                    throw new IllegalStateException("injected failure for " + put.key());
                }
            }
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attrs) {
        String op = attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        requests.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
        if (putDelayMs > 0 && "PutObject".equals(op)) {
            try {
                Thread.sleep(putDelayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attrs) {
        if (context.request() instanceof PutObjectRequest put) {
            putKeys.add(put.key());
            if (putLog != null) {
                synchronized (this) {
                    try {
                        Files.writeString(putLog, put.key() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
    }
}
