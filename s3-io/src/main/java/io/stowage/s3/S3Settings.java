package io.stowage.s3;

import io.stowage.s3.internal.ClientFactory;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach an S3 store: AWS itself or any S3-compatible endpoint (S3Proxy, MinIO, Ceph). The one place that
 * builds {@link S3Client} and {@link S3AsyncClient} for Stowage.
 *
 * <pre>{@code
 * S3Settings s = S3Settings.forEndpoint(URI.create("http://127.0.0.1:9000"));   // path style, us-east-1
 * try (S3Client s3 = s.newClient()) { s3.listBuckets(); }
 * S3Settings aws = S3Settings.aws().withRegion("eu-west-1").withMaxConnections(64);
 * }</pre>
 *
 * <p>For a non-AWS endpoint the client always uses path-style access and an explicit region (default
 * {@code us-east-1}). Credentials: the explicit pair when given, otherwise the AWS SDK's default chain; for a loopback
 * endpoint with nothing configured a fixed pair is used (local stores such as {@code stowage s3 serve} accept any).
 *
 * <p>Immutable and thread-safe; {@code withX} methods return copies. Each {@code newClient()} call builds a new client
 * that the caller closes.
 *
 * @param endpoint       the endpoint, or {@code null} for AWS S3
 * @param region         the signing region, or {@code null} for the SDK's region chain (AWS) / {@code us-east-1}
 * @param accessKey      access key id, or {@code null} for the default credential chain
 * @param secretKey      secret key, or {@code null} (given together with {@code accessKey})
 * @param maxConnections HTTP connections per client (at least 1)
 * @param connectTimeout TCP connect timeout
 * @param socketTimeout  read timeout of one HTTP response
 * @param checksums      when the SDK adds request checksums (see {@link Checksums})
 * @param sdkMaxAttempts attempts the SDK itself makes per request (1 disables SDK retries; uploader and downloader
 *                       retry on top with their own backoff)
 */
public record S3Settings(
        URI endpoint,
        String region,
        String accessKey,
        String secretKey,
        int maxConnections,
        Duration connectTimeout,
        Duration socketTimeout,
        Checksums checksums,
        int sdkMaxAttempts) {

    /** The environment variable holding a default endpoint for the command line and examples. */
    public static final String ENDPOINT_ENV = "STOWAGE_S3_ENDPOINT";

    /** Region used for non-AWS endpoints when none is given. */
    public static final String DEFAULT_REGION = "us-east-1";

    /**
     * When the SDK computes request checksums. {@code WHEN_SUPPORTED} (the SDK default) adds a CRC32 trailer to uploads;
     * {@code WHEN_REQUIRED} sends checksums only where the API requires one and adds {@code Content-MD5} for stores
     * that reject the newer trailers (some older MinIO/Ceph versions).
     */
    public enum Checksums { WHEN_SUPPORTED, WHEN_REQUIRED }

    public S3Settings {
        if (endpoint != null) {
            String scheme = endpoint.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || endpoint.getHost() == null) {
                throw new IllegalArgumentException("S3 endpoint '" + endpoint
                        + "' is not an http(s) URL with a host; use e.g. http://127.0.0.1:9000");
            }
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("S3 credentials need both an access key and a secret key; "
                    + "give both or neither (then the AWS default chain is used)");
        }
        if (maxConnections < 1 || maxConnections > 10_000) {
            throw new IllegalArgumentException("maxConnections " + maxConnections + " is outside 1..10000");
        }
        if (sdkMaxAttempts < 1 || sdkMaxAttempts > 20) {
            throw new IllegalArgumentException("sdkMaxAttempts " + sdkMaxAttempts + " is outside 1..20");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(socketTimeout, "socketTimeout");
        Objects.requireNonNull(checksums, "checksums");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || socketTimeout.isNegative() || socketTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive, got connect " + connectTimeout
                    + " and socket " + socketTimeout);
        }
    }

    /** AWS S3 with the SDK's region and credential chains. */
    public static S3Settings aws() {
        return new S3Settings(null, null, null, null, 64, Duration.ofSeconds(10), Duration.ofSeconds(60),
                Checksums.WHEN_SUPPORTED, 3);
    }

    /** An S3-compatible endpoint: path-style access, region {@code us-east-1} unless changed. */
    public static S3Settings forEndpoint(URI endpoint) {
        return aws().withEndpoint(Objects.requireNonNull(endpoint, "endpoint"));
    }

    /**
     * The command-line rule: the given endpoint if not blank, else {@value #ENDPOINT_ENV} if set, else AWS.
     *
     * @throws IllegalArgumentException if the endpoint is not an http(s) URL
     */
    public static S3Settings fromEndpointOrEnvironment(String endpoint) {
        return fromEndpointOrEnvironment(endpoint, System.getenv());
    }

    static S3Settings fromEndpointOrEnvironment(String endpoint, Map<String, String> env) {
        String e = endpoint != null && !endpoint.isBlank() ? endpoint.trim() : env.get(ENDPOINT_ENV);
        if (e == null || e.isBlank()) {
            return aws();
        }
        URI uri;
        try {
            uri = URI.create(e.trim());
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("S3 endpoint '" + e + "' is not a URL: " + ex.getMessage()
                    + "; use e.g. http://127.0.0.1:9000", ex);
        }
        return forEndpoint(uri);
    }

    public S3Settings withEndpoint(URI endpoint) {
        return new S3Settings(endpoint, region, accessKey, secretKey, maxConnections, connectTimeout, socketTimeout,
                checksums, sdkMaxAttempts);
    }

    public S3Settings withRegion(String region) {
        return new S3Settings(endpoint, region, accessKey, secretKey, maxConnections, connectTimeout, socketTimeout,
                checksums, sdkMaxAttempts);
    }

    public S3Settings withCredentials(String accessKey, String secretKey) {
        return new S3Settings(endpoint, region, accessKey, secretKey, maxConnections, connectTimeout, socketTimeout,
                checksums, sdkMaxAttempts);
    }

    public S3Settings withMaxConnections(int maxConnections) {
        return new S3Settings(endpoint, region, accessKey, secretKey, maxConnections, connectTimeout, socketTimeout,
                checksums, sdkMaxAttempts);
    }

    public S3Settings withTimeouts(Duration connectTimeout, Duration socketTimeout) {
        return new S3Settings(endpoint, region, accessKey, secretKey, maxConnections, connectTimeout, socketTimeout,
                checksums, sdkMaxAttempts);
    }

    public S3Settings withChecksums(Checksums checksums) {
        return new S3Settings(endpoint, region, accessKey, secretKey, maxConnections, connectTimeout, socketTimeout,
                checksums, sdkMaxAttempts);
    }

    public S3Settings withSdkMaxAttempts(int sdkMaxAttempts) {
        return new S3Settings(endpoint, region, accessKey, secretKey, maxConnections, connectTimeout, socketTimeout,
                checksums, sdkMaxAttempts);
    }

    /** The region the clients sign with. */
    public String effectiveRegion() {
        if (region != null && !region.isBlank()) {
            return region;
        }
        return endpoint == null ? ClientFactory.awsRegionOrDefault() : DEFAULT_REGION;
    }

    /** Whether the endpoint is on this machine (127.0.0.0/8, ::1, localhost). */
    public boolean isLoopback() {
        if (endpoint == null) {
            return false;
        }
        String host = endpoint.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("localhost")) {
            return true;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!host.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':' || (c >= 'a' && c <= 'f'))) {
            return false;   // a name: do not resolve it here
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A new synchronous client (Apache HTTP client with {@link #maxConnections()} connections). Close it. */
    public S3Client newClient() {
        return ClientFactory.sync(this);
    }

    /** A new asynchronous client (Netty, {@link #maxConnections()} concurrent requests). Close it. */
    public S3AsyncClient newAsyncClient() {
        return ClientFactory.async(this);
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + (endpoint == null ? "AWS" : endpoint) + ", region=" + region
                + ", credentials=" + (accessKey == null ? "default chain" : accessKey + "/***")
                + ", maxConnections=" + maxConnections + ", checksums=" + checksums + "]";
    }
}
