package io.stowage.des.s3;

import io.stowage.des.ExternalStore;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Objects;

/**
 * External ("big") DES payloads as objects in one bucket, keyed {@code {prefix}/_bigFiles/{name}}: what
 * {@link io.stowage.des.DesWriter} stores when given this store, and what {@link S3DesReader} reads by default.
 * Payloads up to the part size go up with one PUT; bigger ones stream as a multipart upload (one part in memory at a
 * time), completed only when every byte arrived, so an object appears whole or not at all.
 *
 * <pre>{@code
 * DesWriter w = DesWriter.builder(S3DesSink.create(s3, "media", "2025-01-15/shard_07/day.des"))
 *         .externalStore(S3ExternalStore.create(s3, "media"), "2025-01-15/shard_07")
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe (the client is).
 */
public final class S3ExternalStore implements ExternalStore {
    /** Default part size of multipart uploads: 16 MiB. */
    public static final int DEFAULT_PART_SIZE = 16 << 20;

    private final S3Client s3;
    private final String bucket;
    private final int partSize;

    private S3ExternalStore(S3Client s3, String bucket, int partSize) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.partSize = partSize;
    }

    /** Objects in {@code bucket}, 16 MiB parts. */
    public static S3ExternalStore create(S3Client s3, String bucket) {
        return new S3ExternalStore(s3, bucket, DEFAULT_PART_SIZE);
    }

    /** The same store with another part size (5 MiB to 2 GiB): the memory one upload holds. */
    public S3ExternalStore withPartSize(int bytes) {
        MultipartUpload.checkPartSize(bytes);
        return new S3ExternalStore(s3, bucket, bytes);
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("length " + length + " of '" + key + "' must be >= 0");
        }
        if (length <= partSize) {
            byte[] b = data.readNBytes((int) length);
            if (b.length != length) {
                throw new IOException("source of s3://" + bucket + "/" + key + " ended after " + b.length + " of "
                        + length + " bytes");
            }
            checkEnd(data, key, length);
            try {
                s3.putObject(r -> r.bucket(bucket).key(key).contentLength(length), RequestBody.fromBytes(b));
            } catch (SdkException e) {
                throw new IOException("cannot store s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
            }
            return;
        }
        MultipartUpload up = new MultipartUpload(s3, bucket, key, partSize, 2);
        boolean ok = false;
        try {
            byte[] buf = new byte[partSize];
            long left = length;
            while (left > 0) {
                int n = data.readNBytes(buf, 0, (int) Math.min(buf.length, left));
                if (n == 0) {
                    throw new IOException("source of s3://" + bucket + "/" + key + " ended after " + (length - left)
                            + " of " + length + " bytes");
                }
                up.write(java.nio.ByteBuffer.wrap(buf, 0, n));
                left -= n;
            }
            checkEnd(data, key, length);
            up.complete();
            ok = true;
        } finally {
            if (!ok) {
                up.abort();
            }
        }
    }

    /** A source with more than {@code length} bytes changed while it was stored: refuse it. */
    private void checkEnd(InputStream data, String key, long length) throws IOException {
        if (data.read() != -1) {
            throw new IOException("source of s3://" + bucket + "/" + key + " has more than " + length
                    + " bytes: it changed while it was stored");
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            return s3.getObject(r -> r.bucket(bucket).key(key));
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                NoSuchFileException nf = new NoSuchFileException("s3://" + bucket + "/" + key);
                nf.initCause(e);
                throw nf;
            }
            throw new IOException("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw new IOException("cannot delete s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "s3://" + bucket;
    }

    @Override
    public String toString() {
        return "S3ExternalStore[" + describe() + "]";
    }
}
