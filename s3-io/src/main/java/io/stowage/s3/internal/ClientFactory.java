package io.stowage.s3.internal;

import io.stowage.s3.S3Settings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3BaseClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;

/** Builds SDK clients from {@link S3Settings}. Stateless. */
public final class ClientFactory {
    /** The fixed pair used for a loopback endpoint when nothing else is configured. */
    public static final String LOCAL_ACCESS_KEY = "stowage";
    public static final String LOCAL_SECRET_KEY = "stowage-local-secret";

    private ClientFactory() {}

    public static S3Client sync(S3Settings s) {
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(s.maxConnections())
                        .connectionTimeout(s.connectTimeout())
                        .socketTimeout(s.socketTimeout())
                        .tcpKeepAlive(true));
        common(b, s);
        return b.build();
    }

    public static S3AsyncClient async(S3Settings s) {
        S3AsyncClientBuilder b = S3AsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(s.maxConnections())
                        .connectionTimeout(s.connectTimeout())
                        .readTimeout(s.socketTimeout()));
        common(b, s);
        return b.build();
    }

    private static void common(S3BaseClientBuilder<?, ?> b, S3Settings s) {
        b.region(Region.of(s.effectiveRegion()));
        b.credentialsProvider(credentials(s));
        if (s.endpoint() != null) {
            b.endpointOverride(s.endpoint());
            b.forcePathStyle(true);
        }
        if (s.checksums() == S3Settings.Checksums.WHEN_REQUIRED) {
            b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
            b.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            b.addPlugin(LegacyMd5Plugin.create());
        }
        RetryStrategy retry = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(s.sdkMaxAttempts()).build();
        b.overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(retry).build());
    }

    static AwsCredentialsProvider credentials(S3Settings s) {
        if (s.accessKey() != null) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey()));
        }
        if (s.isLoopback()) {
            return AwsCredentialsProviderChain.builder()
                    .reuseLastProviderEnabled(true)
                    // env, system properties and the profile file only: probing the EC2/ECS metadata endpoints
                    // costs seconds of timeouts on a machine that is not in AWS
                    .credentialsProviders(EnvironmentVariableCredentialsProvider.create(),
                            SystemPropertyCredentialsProvider.create(),
                            ProfileCredentialsProvider.create(),
                            StaticCredentialsProvider.create(
                                    AwsBasicCredentials.create(LOCAL_ACCESS_KEY, LOCAL_SECRET_KEY)))
                    .build();
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /** The SDK's region chain, or {@code us-east-1} when nothing is configured. */
    public static String awsRegionOrDefault() {
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
        } catch (RuntimeException e) {
            return S3Settings.DEFAULT_REGION;
        }
    }

}
