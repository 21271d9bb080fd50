package io.stowage.des.s3;

import io.stowage.des.ExternalStore;
import io.stowage.s3.S3ObjectMissingException;
import io.stowage.s3.S3Objects;
import io.stowage.s3.S3UploadStream;
import io.stowage.s3.StreamUploadOptions;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Objects;

/**
 * External ("big") DES payloads as objects in one bucket, keyed {@code {prefix}/_bigFiles/{name}}: what
 * {@link io.stowage.des.DesWriter} stores when given this store, and what {@link S3DesReader} reads by default.
 * Payloads stream up through s3-io's {@link S3Objects#openUpload}: one PUT when they fit in a part, else a multipart
 * upload (a few parts in memory), completed only when every byte arrived, so an object appears whole or not at all.
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
    /** Bytes read from a payload stream at a time. */
    private static final int COPY_BUFFER = 1 << 20;

    private final S3Objects objects;
    private final String bucket;
    private final StreamUploadOptions options;

    private S3ExternalStore(S3Objects objects, String bucket, StreamUploadOptions options) {
        this.objects = objects;
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.options = options;
    }

    /** Objects in {@code bucket}, 16 MiB parts. */
    public static S3ExternalStore create(S3Client s3, String bucket) {
        return new S3ExternalStore(S3Objects.create(Objects.requireNonNull(s3, "s3")), bucket,
                StreamUploadOptions.defaults().withPartSize(DEFAULT_PART_SIZE));
    }

    /** The same store with another part size (5 MiB to 2 GiB): the memory one upload holds. */
    public S3ExternalStore withPartSize(int bytes) {
        return new S3ExternalStore(objects, bucket, options.withPartSize(bytes));
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("length " + length + " of '" + key + "' must be >= 0");
        }
        try (S3UploadStream up = objects.openUpload(bucket, key, options)) {   // closed without complete: aborted
            byte[] buf = new byte[(int) Math.min(Math.max(length, 1), COPY_BUFFER)];
            long left = length;
            while (left > 0) {
                int n = data.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("source of s3://" + bucket + "/" + key + " ended after " + (length - left)
                            + " of " + length + " bytes");
                }
                up.write(buf, 0, n);
                left -= n;
            }
            checkEnd(data, key, length);
            up.complete();
        } catch (SdkException e) {
            throw new IOException("cannot store s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
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
            return objects.get(bucket, key);
        } catch (S3ObjectMissingException e) {
            NoSuchFileException nf = new NoSuchFileException("s3://" + bucket + "/" + key);
            nf.initCause(e);
            throw nf;
        } catch (SdkException e) {
            throw new IOException("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            objects.delete(bucket, key);
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
