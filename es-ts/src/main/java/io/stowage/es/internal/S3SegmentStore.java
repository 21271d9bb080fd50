package io.stowage.es.internal;

import io.stowage.es.EsSegmentStore;
import io.stowage.es.EsStoreException;
import io.stowage.es.EsSegmentMissingException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link EsSegmentStore} over an S3 bucket and prefix. Classifies failures: 404 is a missing segment; 5xx, 429,
 * throttling and client-side I/O errors are transient; the rest (403, 400) are not. Thread-safe as the
 * {@link S3Client} is; the client stays owned by the caller. Public only for {@code EsSegmentStore.s3} (this package
 * is not exported).
 */
public final class S3SegmentStore implements EsSegmentStore {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public S3SegmentStore(S3Client s3, String bucket, String prefix) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        if (bucket == null || bucket.length() < 3 || bucket.length() > 63) {
            throw new IllegalArgumentException("bucket name '" + bucket + "' must have 3 to 63 characters");
        }
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
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(GetObjectRequest.builder().bucket(bucket).key(prefix + key).build());
        } catch (NoSuchKeyException e) {
            throw new EsSegmentMissingException(key, location());
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new EsSegmentMissingException(key, location());
            }
            throw classify(key, e);
        } catch (SdkException e) {
            throw classify(key, e);
        }
        Long len = in.response().contentLength();
        long size = len == null ? -1 : len;
        ReadableByteChannel raw = Channels.newChannel(in);
        boolean[] eof = new boolean[1];
        ReadableByteChannel ch = new ReadableByteChannel() {
            @Override
            public int read(java.nio.ByteBuffer dst) throws java.io.IOException {
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
            public void close() throws java.io.IOException {
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
                if (!eof[0]) {
                    in.abort(); // closing early: drop the connection rather than drain the rest of the body
                }
                try {
                    in.close(); // read to the end: the connection goes back to the pool
                } catch (Exception ignored) {
                    // aborted or broken stream: nothing left to release
                }
            }
        };
    }

    static EsStoreException classify(String key, SdkException e) {
        boolean retry;
        String what;
        if (e instanceof S3Exception s3e) {
            int code = s3e.statusCode();
            retry = code >= 500 || code == 429 || code == 408 || e.retryable() || s3e.isThrottlingException();
            String ec = s3e.awsErrorDetails() == null ? null : s3e.awsErrorDetails().errorCode();
            what = "HTTP " + code + (ec == null ? "" : " " + ec);
        } else {
            retry = e instanceof SdkClientException || e.retryable();
            what = e.getClass().getSimpleName();
        }
        return new EsStoreException(key, "cannot read " + key + " (" + what + "): " + e.getMessage(), retry, e);
    }

    @Override
    public List<String> list(String folder) {
        List<String> out = new ArrayList<>();
        try {
            ListObjectsV2Request req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + folder).build();
            for (S3Object o : s3.listObjectsV2Paginator(req).contents()) {
                out.add(o.key().substring(prefix.length()));
            }
        } catch (SdkException e) {
            throw classify(null, e);
        }
        return out;
    }
}
