package io.stowage.es.internal;

import io.stowage.es.EsSegmentMissingException;
import io.stowage.es.EsSegmentStore;
import io.stowage.es.EsStoreException;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.RetrySettings;
import io.stowage.s3.S3Errors;
import io.stowage.s3.S3ObjectMissingException;
import io.stowage.s3.S3Objects;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * {@link EsSegmentStore} over an S3 bucket and prefix, through s3-io's {@link S3Objects}. Failures are classified by
 * s3-io's rule ({@link S3Errors#isTransient}): a missing object is {@link EsSegmentMissingException}; the rest an
 * {@link EsStoreException} that says whether it is transient. A GET is tried once here (the fetch retries whole
 * segments, see {@code SegmentFetcher}); a listing is retried by {@link S3Objects}. Public only for
 * {@code EsSegmentStore.s3} (this package is not exported).
 *
 * <p>Thread-safe as the {@link S3Client} is; the client stays owned by the caller.
 */
public final class S3SegmentStore implements EsSegmentStore {
    private final S3Objects objects;
    private final S3Objects getOnce;
    private final String bucket;
    private final String prefix;

    public S3SegmentStore(S3Client s3, String bucket, String prefix) {
        Objects.requireNonNull(s3, "s3");
        if (bucket == null || bucket.length() < 3 || bucket.length() > 63) {
            throw new IllegalArgumentException("bucket name '" + bucket + "' must have 3 to 63 characters");
        }
        this.objects = S3Objects.create(s3);
        this.getOnce = objects.withRetry(RetrySettings.none());
        this.bucket = bucket;
        String p = prefix == null ? "" : prefix;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
    }

    @Override
    public String location() {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public SegmentData open(String key) {
        InputStream in;
        try {
            in = getOnce.get(bucket, prefix + key);
        } catch (S3ObjectMissingException e) {
            throw new EsSegmentMissingException(key, location());
        } catch (RuntimeException e) {
            throw failure(key, "cannot read " + key, e);
        }
        // the SDK's stream carries the Content-Length (which bounds every size read from the segment) and can drop
        // the connection instead of draining the rest of the body when closed early
        ResponseInputStream<?> response = in instanceof ResponseInputStream<?> r ? r : null;
        Long len = response != null && response.response() instanceof GetObjectResponse g ? g.contentLength() : null;
        long size = len == null ? -1 : len;
        ReadableByteChannel raw = Channels.newChannel(in);
        boolean[] eof = new boolean[1];
        ReadableByteChannel ch = new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                int r = raw.read(dst);
                if (r < 0) {
                    eof[0] = true;
                }
                return r;
            }

            @Override
            public boolean isOpen() {
                return raw.isOpen();
            }

            @Override
            public void close() throws IOException {
                raw.close();
            }
        };
        return new SegmentData() {
            @Override
            public ReadableByteChannel channel() {
                return ch;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public void close() {
                if (!eof[0] && response != null) {
                    response.abort(); // closing early: drop the connection rather than drain the rest of the body
                }
                try {
                    in.close(); // read to the end: the connection goes back to the pool
                } catch (Exception ignored) {
                    // aborted or broken stream: nothing left to release
                }
            }
        };
    }

    private static EsStoreException failure(String key, String what, RuntimeException e) {
        Throwable cause = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        return new EsStoreException(key, what + ": " + S3Errors.describe(cause), S3Errors.isTransient(cause), e);
    }

    @Override
    public List<String> list(String folder) {
        List<String> out = new ArrayList<>();
        try (Stream<RemoteObject> listing = objects.list(bucket, prefix + folder)) {
            listing.forEach(o -> out.add(o.key().substring(prefix.length())));
        } catch (RuntimeException e) {
            throw failure(null, "cannot list " + location() + folder, e);
        }
        return out;
    }
}
