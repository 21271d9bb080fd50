package io.stowage.s3;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.function.CheckedSupplier;
import io.stowage.s3.internal.ListingGuard;
import io.stowage.s3.internal.ListingPage;
import io.stowage.s3.internal.RemoteIndex;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Single-object S3 access for every module: list, HEAD, GET (whole or by range, optionally {@code If-Match}), DELETE,
 * a presigned GET URL, and streamed uploads from an {@link InputStream} or as an {@link S3UploadStream}. Every request is retried as
 * {@link RetrySettings} say ({@link RetrySettings#defaults()} unless {@link #withRetry} changes it), with
 * {@link S3Errors#isTransient} as the rule; a failure that is not transient, or the last one, propagates as the SDK's
 * exception, except a missing object: {@link #head} gives {@link Optional#empty()}, {@link #get} and
 * {@link #getRange} throw {@link S3ObjectMissingException}; a conditional GET of a replaced object throws
 * {@link S3PreconditionFailedException}; and a listing that would never end (a store repeating its
 * continuation token, or sending truncated pages with nothing new) throws {@link S3ListingFailedException}.
 *
 * <pre>{@code
 * S3Objects objects = S3Objects.create(s3);
 * try (Stream<RemoteObject> listing = objects.list("media", "day1/")) {
 *     listing.filter(o -> o.size() > 0).forEach(o -> System.out.println(o.key() + " " + o.eTag()));
 * }
 * Optional<RemoteObject> head = objects.head("media", "day1/a.jpg");
 * try (InputStream in = objects.getRange("media", "day1/a.des", 4096, 512)) { ... }
 * try (RangeResponse tail = objects.getSuffix("media", "day1/a.des", 65536, null)) { long size = tail.totalSize(); }
 * objects.delete("media", "day1/old.bin");
 * URI link = objects.presignGet("media", "day1/a.mp4", Duration.ofHours(1));
 * RemoteObject stored = objects.put("media", "day1/b.bin", in, StreamUploadOptions.defaults());
 * }</pre>
 *
 * <p>Thread-safe: one instance serves any number of threads. The client is the caller's (not closed here).
 */
public final class S3Objects {
    /** Keys per listing page (S3's maximum). */
    private static final int PAGE = 1000;

    private final S3Client s3;
    private final RetrySettings retrySettings;
    private final FailsafeExecutor<Object> retry;

    private S3Objects(S3Client s3, RetrySettings retrySettings) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.retrySettings = Objects.requireNonNull(retrySettings, "retrySettings");
        this.retry = Failsafe.with(retrySettings.policy());
    }

    /** Access through {@code s3} with {@link RetrySettings#defaults()}. */
    public static S3Objects create(S3Client s3) {
        return new S3Objects(s3, RetrySettings.defaults());
    }

    /** A copy that retries as {@code retry} says. */
    public S3Objects withRetry(RetrySettings retry) {
        return new S3Objects(s3, retry);
    }

    /** The retries in use. */
    public RetrySettings retry() {
        return retrySettings;
    }

    /** The client in use. */
    public S3Client client() {
        return s3;
    }

    private <T> T retried(CheckedSupplier<T> request) {
        try {
            return retry.get(request);
        } catch (FailsafeException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw e;
        }
    }

    /**
     * The objects under {@code prefix} in key order, with size, ETag (unquoted) and last-modified time. Lazy: a page of
     * 1,000 keys is requested (and retried) when the stream reaches it, so memory is one page for any number of keys.
     * Close the stream or consume it; it holds no connection between pages.
     *
     * @param prefix the key prefix; {@code ""} for the whole bucket
     */
    public Stream<RemoteObject> list(String bucket, String prefix) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        Iterator<RemoteObject> pages = new Iterator<>() {
            private Iterator<RemoteObject> page = List.<RemoteObject>of().iterator();
            private String token;
            private boolean last;
            private final ListingGuard guard = new ListingGuard(new S3Location(bucket, prefix));

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !last) {
                    String t = token;
                    ListingPage l = retried(() -> RemoteIndex.list(s3, null, bucket, prefix, null, t));
                    guard.check(l, t);   // a store that would list forever is an error, not an endless stream
                    page = l.objects().iterator();
                    token = l.nextToken();
                    last = token == null;
                }
                return page.hasNext();
            }

            @Override
            public RemoteObject next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(pages,
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT), false);
    }

    /** What the store says about {@code key} (one HEAD request), or empty if there is no such object. */
    public Optional<RemoteObject> head(String bucket, String key) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        try {
            HeadObjectResponse h = retried(() -> s3.headObject(b -> b.bucket(bucket).key(key)));
            return Optional.of(new RemoteObject(key, h.contentLength() == null ? -1 : h.contentLength(),
                    ETags.unquote(h.eTag()), h.lastModified()));
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The whole object as a stream (one GET; the request is retried, the body is not re-read). Close it.
     *
     * @throws S3ObjectMissingException if there is no such object
     */
    public InputStream get(String bucket, String key) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        return open(bucket, key, null);
    }

    /**
     * {@code length} bytes from {@code offset} as a stream (one ranged GET). A range running past the end gives the
     * bytes up to the end. Close it.
     *
     * @throws S3ObjectMissingException if there is no such object
     */
    public InputStream getRange(String bucket, String key, long offset, long length) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("range offset " + offset + " and length " + length
                    + " must be zero or positive");
        }
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        return open(bucket, key, "bytes=" + offset + "-" + (offset + length - 1));
    }

    /**
     * {@code length} bytes from {@code offset} of the version {@code ifMatch} names (one ranged GET with
     * {@code If-Match}), with the answer's ETag and {@code Content-Range}; a range running past the end gives the bytes
     * up to the end. Close the response.
     *
     * @param length  at least 1
     * @param ifMatch the ETag the object must still have (as {@link RangeResponse#eTag()} gave it), or null for any
     *                version
     * @throws S3ObjectMissingException       if there is no such object
     * @throws S3PreconditionFailedException  if the object no longer has ETag {@code ifMatch} (412, or another ETag in
     *                                        the answer of a store that ignores {@code If-Match})
     */
    public RangeResponse getRange(String bucket, String key, long offset, long length, String ifMatch) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (offset < 0 || length < 1) {
            throw new IllegalArgumentException("range offset " + offset + " must be >= 0 and length " + length
                    + " >= 1");
        }
        return ranged(bucket, key, "bytes=" + offset + "-" + (offset + length - 1), ifMatch);
    }

    /**
     * The last {@code length} bytes of the object, or all of it when it is shorter ({@code Range: bytes=-length}, one
     * GET), with the answer's ETag, {@code Content-Range} and so the object's size: read a trailer without a HEAD.
     * An empty object makes S3 answer {@code 416}, which propagates as the SDK's exception.
     *
     * @param length  at least 1
     * @param ifMatch the ETag the object must still have, or null for any version
     * @throws S3ObjectMissingException      if there is no such object
     * @throws S3PreconditionFailedException if the object no longer has ETag {@code ifMatch}
     */
    public RangeResponse getSuffix(String bucket, String key, long length, String ifMatch) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (length < 1) {
            throw new IllegalArgumentException("suffix length " + length + " must be >= 1");
        }
        return ranged(bucket, key, "bytes=-" + length, ifMatch);
    }

    private RangeResponse ranged(String bucket, String key, String range, String ifMatch) {
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = retried(() -> s3.getObject(b -> b.bucket(bucket).key(key).range(range).ifMatch(ifMatch)));
        } catch (NoSuchKeyException e) {
            throw new S3ObjectMissingException(bucket, key, e);
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                throw new S3ObjectMissingException(bucket, key, e);
            }
            if (e.statusCode() == 412 && ifMatch != null) {
                throw new S3PreconditionFailedException(bucket, key, ifMatch, null, e);
            }
            throw e;
        }
        GetObjectResponse r = in.response();
        String eTag = r.eTag();
        if (ifMatch != null && eTag != null && !ETags.unquote(ifMatch).equals(ETags.unquote(eTag))) {
            in.abort();
            throw new S3PreconditionFailedException(bucket, key, ifMatch, eTag, null);
        }
        long length = r.contentLength() == null ? -1 : r.contentLength();
        long[] cr = RangeResponse.parseContentRange(r.contentRange(), length);
        return new RangeResponse(in, eTag, r.contentRange(), cr == null ? -1 : cr[0], length, cr == null ? -1 : cr[2]);
    }

    /**
     * Deletes {@code key} (one DELETE, retried). Deleting a key that does not exist succeeds, as in S3.
     */
    public void delete(String bucket, String key) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        retried(() -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    }

    private InputStream open(String bucket, String key, String range) {
        try {
            ResponseInputStream<GetObjectResponse> in = retried(() -> s3.getObject(b -> b.bucket(bucket).key(key)
                    .range(range)));
            return in;
        } catch (NoSuchKeyException e) {
            throw new S3ObjectMissingException(bucket, key, e);
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                throw new S3ObjectMissingException(bucket, key, e);
            }
            throw e;
        }
    }

    /**
     * A URL that lets anyone GET {@code key} without credentials until {@code ttl} passes (SigV4 query signing with
     * the client's region, endpoint and credentials; path-style when the client has an endpoint override, as
     * {@link S3Settings#newClient()} makes them). No request is sent; the object need not exist yet.
     *
     * @param ttl how long the URL is valid: 1 second to 7 days (SigV4's limit)
     */
    public URI presignGet(String bucket, String key, Duration ttl) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("presigned URL lifetime " + ttl + " is outside 1 s..7 days (SigV4's"
                    + " limit)");
        }
        S3ServiceClientConfiguration c = s3.serviceClientConfiguration();
        S3Presigner.Builder b = S3Presigner.builder().region(c.region());
        IdentityProvider<? extends AwsCredentialsIdentity> credentials = c.credentialsProvider();
        if (credentials != null) {
            b.credentialsProvider(credentials);
        }
        if (c.endpointOverride().isPresent()) {
            b.endpointOverride(c.endpointOverride().get());
            b.serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
        }
        try (S3Presigner presigner = b.build()) {
            return presigner.presignGetObject(p -> p.signatureDuration(ttl)
                    .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the presigner made an invalid URL: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a streamed upload to {@code key}: write the bytes, then {@link S3UploadStream#complete()}; closing without
     * completing aborts. Nothing is visible under the key before {@code complete()} returns.
     */
    public S3UploadStream openUpload(String bucket, String key, StreamUploadOptions options) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(options, "options");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("the upload key is empty; name an object, e.g. day1/a.des");
        }
        return new S3UploadStream(s3, bucket, key, options);
    }

    /**
     * Stores everything {@code in} gives under {@code key} (one PUT if it fits one part, else a multipart upload),
     * without knowing the length first. {@code in} is read to its end, not closed. On failure nothing is stored.
     *
     * @throws IOException if reading {@code in} or a request fails for good
     */
    public RemoteObject put(String bucket, String key, InputStream in, StreamUploadOptions options)
            throws IOException {
        Objects.requireNonNull(in, "in");
        try (S3UploadStream up = openUpload(bucket, key, options)) {
            in.transferTo(up);
            return up.complete();
        }
    }
}
