package io.stowage.des.s3;

import io.stowage.des.DesCorruptException;
import io.stowage.des.DesException;
import io.stowage.des.DesIoException;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3Objects;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Ranged GETs of one object, and nothing else: never a HEAD (the size comes from {@code Content-Range}). Every payload
 * GET carries {@code If-Match} with the ETag the index was read from, and the answer's ETag is compared too (for stores
 * that ignore {@code If-Match}), so bytes of a replaced object are never returned:
 * {@link DesS3ArchiveChangedException} instead.
 * Thread-safe (the client is).
 */
final class ObjectRanges {
    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String name;
    private final LongAdder requests = new LongAdder();

    ObjectRanges(S3Client s3, String bucket, String key, String name) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.name = name;
    }

    /**
     * The bytes of one range and what the store said about the object.
     *
     * @param bytes the range's bytes
     * @param start absolute offset of {@code bytes[0]}
     * @param total the object's size (from {@code Content-Range})
     * @param etag  the object's ETag
     */
    record Range(byte[] bytes, long start, long total, String etag) {
    }

    /** GET requests sent so far (each attempt of the SDK counts once per call here). */
    long requests() {
        return requests.sum();
    }

    /** The last {@code n} bytes (or the whole object when it is shorter): {@code Range: bytes=-n}. */
    Range suffix(int n) {
        GetObjectRequest req = GetObjectRequest.builder().bucket(bucket).key(key).range("bytes=-" + n).build();
        ResponseBytes<GetObjectResponse> r = get(req, null, "footer and index");
        GetObjectResponse resp = r.response();
        byte[] b = r.asByteArrayUnsafe();
        long[] cr = contentRange(resp.contentRange(), b.length);
        if (cr[1] - cr[0] + 1 != b.length && b.length > 0) {
            throw new DesIoException(name, name + ": the store sent " + b.length + " bytes for Content-Range "
                    + resp.contentRange(), new IOException("short range answer"));
        }
        return new Range(b, b.length == 0 ? cr[2] : cr[0], cr[2], resp.eTag());
    }

    /** {@code [start, start+length)} of the object as it was at {@code etag}; {@code length} at least 1. */
    Range range(long start, int length, String etagOrEmpty, String what) {
        String etag = known(etagOrEmpty);
        GetObjectRequest req = GetObjectRequest.builder().bucket(bucket).key(key)
                .range("bytes=" + start + "-" + (start + length - 1)).ifMatch(etag).build();
        ResponseBytes<GetObjectResponse> r = get(req, etag, what);
        byte[] b = r.asByteArrayUnsafe();
        if (b.length != length) {
            throw new DesCorruptException(name, what, start, what + " at offset " + start + ": the store sent "
                    + b.length + " of " + length + " bytes; the object is shorter than its index says");
        }
        long total = contentRange(r.response().contentRange(), b.length)[2];
        return new Range(b, start, total, r.response().eTag());
    }

    /** Reads {@code [start, start+length)} at {@code etag} straight into {@code dst}. */
    void rangeInto(long start, int length, String etag, byte[] dst, int off, String what) {
        try (InputStream in = stream(start, length, etag, what)) {
            int got = in.readNBytes(dst, off, length);
            if (got != length) {
                throw new DesCorruptException(name, what, start + got, what + " at offset " + start + " ended after "
                        + got + " of " + length + " bytes; the object is shorter than its index says");
            }
        } catch (IOException e) {
            throw new DesIoException(name, name + ": cannot read " + what + " at offset " + start, e);
        }
    }

    /** A stream of {@code [start, start+length)} at {@code etag}; 412 or a changed ETag fail before any byte. */
    InputStream stream(long start, long length, String etagOrEmpty, String what) {
        String etag = known(etagOrEmpty);
        GetObjectRequest req = GetObjectRequest.builder().bucket(bucket).key(key)
                .range("bytes=" + start + "-" + (start + length - 1)).ifMatch(etag).build();
        requests.increment();
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(req);
        } catch (SdkException e) {
            throw translate(e, etag, what);
        }
        String got = in.response().eTag();
        if (etag != null && got != null && !etag.equals(got)) {
            in.abort();
            throw new DesS3ArchiveChangedException(name, etag, got, name + " changed: ETag " + got + " instead of "
                    + etag);
        }
        return in;
    }

    /**
     * The object's ETag now, unquoted (one HEAD through s3-io's {@link S3Objects#head}, counted as a request), or null
     * when it is gone. Used after a checksum failure: a different ETag means the object was replaced under a read the
     * store let through.
     */
    String currentETag() {
        requests.increment();
        try {
            return S3Objects.create(s3).head(bucket, key).map(RemoteObject::eTag).orElse(null);
        } catch (SdkException e) {
            throw translate(e, null, "its current ETag");
        }
    }

    /** {@code null} for an unknown ETag (a store that sends none): no If-Match, no comparison. */
    private static String known(String etag) {
        return etag == null || etag.isEmpty() ? null : etag;
    }

    private ResponseBytes<GetObjectResponse> get(GetObjectRequest req, String etag, String what) {
        requests.increment();
        ResponseBytes<GetObjectResponse> r;
        try {
            r = s3.getObject(req, ResponseTransformer.toBytes());
        } catch (SdkException e) {
            throw translate(e, etag, what);
        }
        String got = r.response().eTag();
        if (etag != null && got != null && !etag.equals(got)) {
            throw new DesS3ArchiveChangedException(name, etag, got, name + " changed: ETag " + got + " instead of "
                    + etag);
        }
        return r;
    }

    private RuntimeException translate(SdkException e, String etag, String what) {
        if (e instanceof AwsServiceException ae) {
            int status = ae.statusCode();
            if (status == 412 && etag != null) {
                return new DesS3ArchiveChangedException(name, etag, null, name + " changed since its index was read"
                        + " (ETag " + etag + " no longer"
                        + " matches)");
            }
            if (status == 404) {
                return new DesIoException(name, name + ": no such archive (the bucket or key does not exist)",
                        new NoSuchFileException(name));
            }
            if (status == 416) {
                return new DesCorruptException(name, "file_size", 0, "the object is empty (0 bytes), smaller than"
                        + " the minimum DES v1 archive of 88 bytes; the archive is truncated or not DES v1 (check the"
                        + " upload completed)");
            }
            if (status == 403) {
                return new DesIoException(name, name + ": access denied (403) reading " + what + "; check the"
                        + " credentials (AWS_ACCESS_KEY_ID/AWS_PROFILE) and the bucket policy", new IOException(e));
            }
            return new DesIoException(name, name + ": S3 answered " + status + " (" + ae.awsErrorDetails().errorCode()
                    + ") reading " + what, new IOException(e.getMessage(), e));
        }
        return new DesIoException(name, name + ": cannot read " + what + " from S3",
                new IOException(e.getMessage(), e));
    }

    /** Parses {@code bytes A-B/TOTAL}; {@code [A, B, TOTAL]}. Without the header the answer was the whole object. */
    static long[] contentRange(String header, int bodyLength) {
        if (header == null || header.isBlank()) {
            return new long[] {0, bodyLength - 1L, bodyLength};
        }
        String h = header.trim();
        try {
            if (h.startsWith("bytes ")) {
                h = h.substring(6).trim();
            }
            int slash = h.indexOf('/');
            String range = h.substring(0, slash);
            long total = Long.parseLong(h.substring(slash + 1).trim());
            if (range.equals("*")) {
                return new long[] {total, total - 1, total};
            }
            int dash = range.indexOf('-');
            return new long[] {Long.parseLong(range.substring(0, dash).trim()),
                Long.parseLong(range.substring(dash + 1).trim()), total};
        } catch (RuntimeException e) {
            throw new DesException("cannot parse Content-Range '" + header + "' from the store: " + e.getMessage()
                    + "; is the endpoint an S3-compatible store?");
        }
    }
}
