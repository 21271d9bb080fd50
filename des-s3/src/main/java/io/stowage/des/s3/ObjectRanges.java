package io.stowage.des.s3;

import io.stowage.des.DesCorruptException;
import io.stowage.des.DesIoException;
import io.stowage.s3.RangeResponse;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3ObjectMissingException;
import io.stowage.s3.S3Objects;
import io.stowage.s3.S3PreconditionFailedException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Ranged GETs of one object, and nothing else: never a HEAD for a read (the size comes from {@code Content-Range}).
 * The requests are s3-io's ({@link S3Objects#getSuffix}, {@link S3Objects#getRange(String, String, long, long,
 * String)}: retried by its rule); this class only puts their failures in DES words. Every payload GET carries
 * {@code If-Match} with the ETag the index was read from, and s3-io compares the answer's ETag too (for stores that
 * ignore {@code If-Match}), so bytes of a replaced object are never returned: {@link DesS3ArchiveChangedException}
 * instead.
 * Thread-safe (the client is).
 */
final class ObjectRanges {
    private final S3Objects objects;
    private final String bucket;
    private final String key;
    private final String name;
    private final LongAdder requests = new LongAdder();

    ObjectRanges(S3Client s3, String bucket, String key, String name) {
        this.objects = S3Objects.create(s3);
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

    /** GET requests sent so far (each call here counts once, whatever s3-io and the SDK retry). */
    long requests() {
        return requests.sum();
    }

    /** The last {@code n} bytes (or the whole object when it is shorter): {@code Range: bytes=-n}. */
    Range suffix(int n) {
        String what = "footer and index";
        requests.increment();
        try (RangeResponse r = open(() -> objects.getSuffix(bucket, key, n, null), null, what)) {
            if (r.totalSize() < 0 || r.length() < 0 || r.length() > Integer.MAX_VALUE - 8) {
                throw badRange(r.contentRange(), r.length());
            }
            byte[] b = new byte[(int) r.length()];
            int got = r.body().readNBytes(b, 0, b.length);
            if (got != b.length || (b.length > 0 && r.start() + b.length != r.totalSize())) {
                throw new DesIoException(name, name + ": the store sent " + got + " bytes for Content-Range "
                        + r.contentRange(), new IOException("short range answer"));
            }
            return new Range(b, b.length == 0 ? r.totalSize() : r.start(), r.totalSize(), r.eTag());
        } catch (IOException e) {
            throw new DesIoException(name, name + ": cannot read " + what, e);
        }
    }

    /** {@code [start, start+length)} of the object as it was at {@code etag}; {@code length} at least 1. */
    Range range(long start, int length, String etagOrEmpty, String what) {
        String etag = known(etagOrEmpty);
        requests.increment();
        try (RangeResponse r = open(() -> objects.getRange(bucket, key, start, length, etag), etag, what)) {
            if ((r.length() >= 0 && r.length() != length) || (r.start() >= 0 && r.start() != start)) {
                r.abort();
                throw new DesCorruptException(name, what, start, what + " at offset " + start + ": the store sent "
                        + r.length() + " of " + length + " bytes (Content-Range " + r.contentRange() + "); the object"
                        + " is shorter than its index says");
            }
            byte[] b = new byte[length];
            int got = r.body().readNBytes(b, 0, length);
            if (got != length) {
                throw new DesCorruptException(name, what, start, what + " at offset " + start + ": the store sent "
                        + got + " of " + length + " bytes; the object is shorter than its index says");
            }
            if (r.totalSize() < 0) {
                throw badRange(r.contentRange(), r.length());
            }
            return new Range(b, start, r.totalSize(), r.eTag());
        } catch (IOException e) {
            throw new DesIoException(name, name + ": cannot read " + what + " at offset " + start, e);
        }
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
        requests.increment();
        return open(() -> objects.getRange(bucket, key, start, length, etag), etag, what).body();
    }

    /**
     * The object's ETag now, unquoted (one HEAD through s3-io's {@link S3Objects#head}, counted as a request), or null
     * when it is gone. Used after a checksum failure: a different ETag means the object was replaced under a read the
     * store let through.
     */
    String currentETag() {
        requests.increment();
        try {
            return objects.head(bucket, key).map(RemoteObject::eTag).orElse(null);
        } catch (SdkException e) {
            throw translate(e, "its current ETag");
        }
    }

    /** {@code null} for an unknown ETag (a store that sends none): no If-Match, no comparison. */
    private static String known(String etag) {
        return etag == null || etag.isEmpty() ? null : etag;
    }

    /** One s3-io request, its failures in DES words. */
    private RangeResponse open(java.util.function.Supplier<RangeResponse> request, String etag, String what) {
        try {
            return request.get();
        } catch (S3PreconditionFailedException e) {
            String got = e.actualETag();
            return fail(new DesS3ArchiveChangedException(name, etag, got, got == null
                    ? name + " changed since its index was read (ETag " + etag + " no longer matches)"
                    : name + " changed: ETag " + got + " instead of " + etag));
        } catch (S3ObjectMissingException e) {
            return fail(new DesIoException(name, name + ": no such archive (the bucket or key does not exist)",
                    new NoSuchFileException(name)));
        } catch (UncheckedIOException e) {
            return fail(new DesIoException(name, name + ": cannot read " + what + " from S3", e.getCause()));
        } catch (SdkException e) {
            return fail(translate(e, what));
        }
    }

    private static <T> T fail(RuntimeException e) {
        throw e;
    }

    private RuntimeException translate(SdkException e, String what) {
        if (e instanceof AwsServiceException ae) {
            int status = ae.statusCode();
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

    /** An answer whose {@code Content-Range} cannot be understood: not an S3-compatible store. */
    private DesIoException badRange(String header, long length) {
        return new DesIoException(name, name + ": cannot parse Content-Range '" + header + "' (body " + length
                + " bytes) from the store; is the endpoint an S3-compatible store?",
                new IOException("bad Content-Range"));
    }
}
