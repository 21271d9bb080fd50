package io.stowage.s3.internal;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The data requests of a transfer (PutObject, UploadPart, GetObject, ListObjectsV2) sent without the SDK's request
 * pipeline, for an S3-compatible endpoint (the client has an endpoint override; path-style addressing). Everything
 * else (multipart create/complete/abort, HEAD, DELETE) stays on the SDK client.
 *
 * <p>Why: on a small machine the SDK's per-request CPU (interceptors, endpoint rules, auth scheme resolution, the
 * CRC32 trailer in aws-chunked encoding, marshalling and unmarshalling) was most of the client's time for small files
 * (measured with JFR, see docs/s3-io.md). The parts that are not ours stay libraries: the SDK's Apache HTTP client
 * (pooled connections, the same one the SDK client uses), the SDK's SigV4 signer ({@link AwsV4HttpSigner}, given
 * no payload, so it signs {@code UNSIGNED-PAYLOAD}: the body is covered by {@code Content-MD5}, a signed header the
 * store checks and answers with {@code BadDigest}, and by the ETag check of the caller) and the JDK's StAX parser for
 * listings and error answers. Errors become the SDK's {@link S3Exception} (status, error code,
 * message) and I/O failures {@link SdkClientException}, so the retry rules are the same on both paths.
 *
 * <p>Credentials, region and endpoint are read from the SDK client; each request resolves the credentials again
 * (session credentials refresh as in the SDK). Off with {@code -Dstowage.s3.direct=false}; never used for AWS itself
 * (no endpoint override), for a client with the caller's own execution interceptors or metric publishers, or when an
 * HTTP proxy is configured.
 *
 * <p>The XML it reads (listings, error answers) is {@link S3Xml}'s; an answer and its body are a
 * {@link DirectResponse}.
 *
 * <p>Thread-safe; {@link #close()} closes the connection pool.
 */
final class DirectS3 implements AutoCloseable {

    private final String protocol;
    private final String host;
    private final int port;
    private final String basePath;
    private final String region;
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final SdkHttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private volatile boolean closed;

    /** A request body of known length: a fresh stream of exactly that many bytes at each call. */
    @FunctionalInterface
    public interface Body {
        InputStream open() throws IOException;
    }

    /** The answer to a GET: the headers that matter and the body stream (close it: that frees the connection). */
    public record Got(int status, long contentLength, String eTag, String mtimeMetadata, String crc32cMetadata,
                      Instant lastModified, String contentRange, InputStream body) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    DirectS3(URI endpoint, String region, IdentityProvider<? extends AwsCredentialsIdentity> credentials,
             int connectTimeoutMillis, int socketTimeoutMillis, int connections) {
        this.protocol = endpoint.getScheme().toLowerCase(Locale.ROOT);
        this.host = endpoint.getHost();
        this.port = endpoint.getPort() < 0 ? (protocol.equals("https") ? 443 : 80) : endpoint.getPort();
        String p = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        this.basePath = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        this.region = region;
        this.credentials = credentials;
        this.http = ApacheHttpClient.builder()
                .maxConnections(Math.max(1, connections))
                .connectionTimeout(Duration.ofMillis(connectTimeoutMillis))
                .socketTimeout(Duration.ofMillis(socketTimeoutMillis))
                .expectContinueEnabled(false)
                .build();
    }

    /**
     * The direct path for this SDK client, or empty: when it has no endpoint override (AWS itself), when it was built
     * with execution interceptors or metric publishers of the caller's (they must see every request), when
     * {@code -Dstowage.s3.direct=false}, or when an HTTP proxy is configured (system properties or the
     * {@code HTTP(S)_PROXY} environment variables: the SDK handles those).
     */
    public static Optional<DirectS3> forClient(S3Client s3, int connections) {
        if ("false".equalsIgnoreCase(System.getProperty("stowage.s3.direct", "true"))
                || System.getProperty("http.proxyHost") != null || System.getProperty("https.proxyHost") != null) {
            return Optional.empty();
        }
        for (String v : new String[] {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"}) {
            String proxy = System.getenv(v);
            if (proxy != null && !proxy.isBlank()) {
                return Optional.empty();   // the SDK's HTTP client reads these; a proxy may be the only way out
            }
        }
        try {
            var config = s3.serviceClientConfiguration();
            Optional<URI> endpoint = config.endpointOverride();
            if (endpoint.isEmpty() || endpoint.get().getHost() == null || config.region() == null
                    || config.credentialsProvider() == null) {
                return Optional.empty();
            }
            var override = config.overrideConfiguration();
            if (override != null && (override.executionInterceptors().stream()
                    .anyMatch(i -> !i.getClass().getName().startsWith("software.amazon.awssdk."))
                    || !override.metricPublishers().isEmpty())) {
                return Optional.empty();   // the caller watches or changes requests: every request goes through the SDK
            }
            String scheme = endpoint.get().getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
                return Optional.empty();
            }
            return Optional.of(new DirectS3(endpoint.get(), config.region().id(), config.credentialsProvider(),
                    10_000, 60_000, connections));
        } catch (RuntimeException e) {
            return Optional.empty();   // a client we do not understand (a test double): the SDK path
        }
    }

    /** PUT one object; returns the ETag header as the store sent it. */
    public String putObject(String bucket, String key, long length, String contentMd5, String contentType,
                            Map<String, String> metadata, Body body) throws BodyReadException {
        SdkHttpFullRequest.Builder b = request(SdkHttpMethod.PUT, bucket, key).putHeader("Content-MD5", contentMd5);
        if (contentType != null) {
            b.putHeader("Content-Type", contentType);
        }
        for (Map.Entry<String, String> m : metadata.entrySet()) {
            b.putHeader("x-amz-meta-" + m.getKey().toLowerCase(Locale.ROOT), m.getValue());
        }
        try (DirectResponse r = execute(b, body, length)) {
            r.drain();
            return r.header("ETag");
        }
    }

    /** Upload one part of a multipart upload; returns its ETag header. */
    public String uploadPart(String bucket, String key, String uploadId, int partNumber, long length,
                             String contentMd5, Body body) throws BodyReadException {
        SdkHttpFullRequest.Builder b = request(SdkHttpMethod.PUT, bucket, key).putHeader("Content-MD5", contentMd5)
                .putRawQueryParameter("partNumber", String.valueOf(partNumber))
                .putRawQueryParameter("uploadId", uploadId);
        try (DirectResponse r = execute(b, body, length)) {
            r.drain();
            return r.header("ETag");
        }
    }

    /** GET an object, or a byte range of it ({@code range} like {@code bytes=0-99}) if its ETag still matches. */
    public Got get(String bucket, String key, String range, String ifMatch) {
        SdkHttpFullRequest.Builder b = request(SdkHttpMethod.GET, bucket, key);
        if (range != null) {
            b.putHeader("Range", range);
        }
        if (ifMatch != null) {
            b.putHeader("If-Match", ifMatch);
        }
        DirectResponse r = executeWithoutBody(b);
        Instant lastModified = null;
        String lm = r.header("Last-Modified");
        if (lm != null) {
            try {
                lastModified = ZonedDateTime.parse(lm, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                lastModified = null;
            }
        }
        return new Got(r.status, r.contentLength(), r.header("ETag"),
                r.header("x-amz-meta-" + UploadRun.MTIME_METADATA), r.header("x-amz-meta-" + Crc32cs.METADATA),
                lastModified, r.header("Content-Range"), r.body);
    }


    /**
     * One ListObjectsV2 page ({@code encoding-type=url}, as the SDK asks, so any key survives the XML), parsed with
     * StAX: the SDK's unmarshalling cost more client CPU than the listing request itself.
     */
    public ListingPage list(String bucket, String prefix, String delimiter, String token, int maxKeys) {
        SdkHttpFullRequest.Builder b = request(SdkHttpMethod.GET, bucket, null)
                .putRawQueryParameter("list-type", "2")
                .putRawQueryParameter("encoding-type", "url")
                .putRawQueryParameter("max-keys", String.valueOf(maxKeys))
                .putRawQueryParameter("prefix", prefix);
        if (delimiter != null) {
            b.putRawQueryParameter("delimiter", delimiter);
        }
        if (token != null) {
            b.putRawQueryParameter("continuation-token", token);
        }
        String xml;
        try (DirectResponse r = executeWithoutBody(b)) {
            xml = r.text();
        }
        return S3Xml.parseListing(xml);
    }

    @Override
    public void close() {
        closed = true;
        http.close();
    }

    // ---------------------------------------------------------------------------------------------------------

    private SdkHttpFullRequest.Builder request(SdkHttpMethod method, String bucket, String key) {
        String path = basePath + "/" + encode(bucket, false) + (key == null ? "" : "/" + encode(key, true));
        return SdkHttpFullRequest.builder().method(method).protocol(protocol).host(host).port(port).encodedPath(path);
    }

    private DirectResponse executeWithoutBody(SdkHttpFullRequest.Builder b) {
        try {
            return execute(b, null, 0);
        } catch (BodyReadException e) {
            throw new IllegalStateException("a request without a body failed reading one", e);
        }
    }

    private DirectResponse execute(SdkHttpFullRequest.Builder b, Body body, long length) throws BodyReadException {
        if (closed) {
            throw SdkClientException.create("the transfer was closed");
        }
        LocalFailure local = new LocalFailure();
        ContentStreamProvider content = null;
        if (body != null) {
            b.putHeader("Content-Length", String.valueOf(length));
            content = () -> {
                try {
                    return local.watch(body.open(), length);
                } catch (IOException e) {
                    local.failed(e);
                    throw new java.io.UncheckedIOException(e);
                }
            };
        }
        SdkHttpFullRequest unsigned = b.build();
        software.amazon.awssdk.http.SdkHttpRequest req = unsigned;
        AwsCredentialsIdentity id = credentials.resolveIdentity().join();
        try {
            if (id != null && id.accessKeyId() != null && !id.accessKeyId().isEmpty()) {
                // the payload is not handed to the signer: it signs UNSIGNED-PAYLOAD (on http too, where it would
                // otherwise hash every body and read it twice); the body is covered by the signed Content-MD5
                req = signer.sign(s -> s.identity(id).request(unsigned)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)).request();
            }
            HttpExecuteResponse resp = http.prepareRequest(HttpExecuteRequest.builder().request(req)
                    .contentStreamProvider(content).build()).call();
            DirectResponse r = new DirectResponse(resp);
            if (r.status >= 300 && r.status != 304) {
                throw r.error(unsigned.method().name(), unsigned.encodedPath());
            }
            return r;
        } catch (IOException | java.io.UncheckedIOException e) {
            local.rethrow();
            IOException io = e instanceof IOException x ? x : ((java.io.UncheckedIOException) e).getCause();
            throw SdkClientException.create(unsigned.method() + " " + unsigned.encodedPath() + " failed: " + io, io);
        } catch (RuntimeException e) {
            local.rethrow();
            throw e;
        }
    }

    /**
     * A failure reading the request body from its source (a local file), told apart from network errors (never
     * retried here; the cause says what happened).
     */
    public static final class BodyReadException extends IOException {
        private static final long serialVersionUID = 1L;

        public BodyReadException(IOException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** Remembers a read failure of the request body's source, so it is not mistaken for a network error. */
    private static final class LocalFailure {
        private volatile IOException failure;

        void failed(IOException e) {
            failure = e;
        }

        void rethrow() throws BodyReadException {
            IOException f = failure;
            if (f != null) {
                throw new BodyReadException(f);
            }
        }

        /** The body stream, recording its read errors and checking that it has exactly {@code length} bytes. */
        InputStream watch(InputStream in, long length) {
            return new FilterInputStream(in) {
                private long count;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n;
                    try {
                        n = in.read(b, off, len);
                    } catch (IOException e) {
                        failed(e);
                        throw e;
                    }
                    if (n > 0) {
                        count += n;
                    }
                    if (n < 0 && count != length || count > length) {
                        IOException e = new IOException("the request body has " + (count > length ? "more than "
                                : "only ") + count + " of its " + length + " bytes");
                        failed(e);
                        throw e;
                    }
                    return n;
                }
            };
        }
    }

    /** SigV4's URI encoding: every byte but A-Z a-z 0-9 - _ . ~ (and {@code /} in paths) as %XX of its UTF-8. */
    static String encode(String s, boolean path) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(b.length + 16);
        for (byte x : b) {
            int c = x & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~' || (path && c == '/')) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

}
