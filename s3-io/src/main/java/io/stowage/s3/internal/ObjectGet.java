package io.stowage.s3.internal;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;

/**
 * One GET of a download (whole or a range, optionally If-Match), through the direct data path when there is one, else
 * the SDK: the headers the verification needs and the body. Thread-safe.
 */
final class ObjectGet {
    private final S3Client s3;
    private final DirectS3 direct;
    private final String bucket;

    ObjectGet(S3Client s3, DirectS3 direct, String bucket) {
        this.s3 = s3;
        this.direct = direct;
        this.bucket = bucket;
    }

    /**
     * What a GET answered besides the bytes. {@code crc32c}: the object's CRC-32C from its {@code stowage-crc32c}
     * metadata (recorded by our uploads), or null. {@code totalSize}: the object's size after the {@code /} of the
     * {@code Content-Range} of a ranged GET, or null (a whole GET, or a store that does not say).
     */
    record Head(Long contentLength, String eTag, String mtimeMetadata, Integer crc32c, Instant lastModified,
                Long totalSize) {}

    /** The total after the '/' of a {@code Content-Range} ({@code bytes 0-99/1234}), or null if absent or '*'. */
    static Long totalOf(String contentRange) {
        if (contentRange == null) {
            return null;
        }
        int slash = contentRange.lastIndexOf('/');
        if (slash < 0) {
            return null;
        }
        try {
            return Long.parseLong(contentRange.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** An open GET: its headers and its body, from the direct path or the SDK. */
    record Opened(Head head, InputStream body) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    Opened open(String key, String range, String ifMatch) {
        if (direct != null) {
            DirectS3.Got got = direct.get(bucket, key, range, ifMatch);
            return new Opened(new Head(got.contentLength() < 0 ? null : got.contentLength(), got.eTag(),
                    got.mtimeMetadata(), Crc32cs.parse(got.crc32cMetadata()), got.lastModified(),
                    totalOf(got.contentRange())),
                    new NetworkStream(got.body()));
        }
        ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key).range(range)
                .ifMatch(ifMatch));
        GetObjectResponse r = in.response();
        // user metadata keys as the store sent them: compared without case (S3 lowercases them, others may not)
        Map<String, String> meta = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (r.metadata() != null) {
            meta.putAll(r.metadata());
        }
        return new Opened(new Head(r.contentLength(), r.eTag(), meta.get(UploadRun.MTIME_METADATA),
                Crc32cs.parse(meta.get(Crc32cs.METADATA)), r.lastModified(), totalOf(r.contentRange())), in);
    }

    /** A response body whose read failures are network failures (retried), as the SDK reports them. */
    private static final class NetworkStream extends java.io.FilterInputStream {
        NetworkStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw software.amazon.awssdk.core.exception.SdkClientException.create("reading the object failed: "
                        + e, e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
