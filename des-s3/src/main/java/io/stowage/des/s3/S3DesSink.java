package io.stowage.des.s3;

import io.stowage.des.DesOutputExistsException;
import io.stowage.des.DesIoException;
import io.stowage.des.DesSink;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import io.stowage.s3.S3Objects;
import io.stowage.s3.S3UploadStream;
import io.stowage.s3.StreamUploadOptions;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;

/**
 * A {@link DesSink} that streams an archive into S3 as a multipart upload: a {@link io.stowage.des.DesWriter} writes
 * through it without the archive ever being whole in memory or on disk (memory: a few parts). Completing the upload is
 * the commit: nothing is visible under the key before {@link #commit()} returns; {@link #abort()} aborts the upload.
 * An archive smaller than one part goes up with a single PUT at commit.
 *
 * <pre>{@code
 * try (DesWriter w = DesWriter.builder(S3DesSink.create(s3, "media", "2025-01-15/shard_07/day.des"))
 *         .externalStore(S3ExternalStore.create(s3, "media"), "2025-01-15/shard_07")   // big payloads: _bigFiles/
 *         .build()) {
 *     w.add("cam-01.jpg", Path.of("cam-01.jpg"), Map.of("source", "cam-01"));
 *     w.finish();            // complete = commit; on failure the upload is aborted and _bigFiles objects deleted
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one writer uses a sink from one thread.
 */
public final class S3DesSink implements DesSink {
    /** Default part size: 8 MiB (archives up to 78 GiB; memory about 3 parts). */
    public static final int DEFAULT_PART_SIZE = 8 << 20;

    private final String bucket;
    private final String key;
    private final S3UploadStream upload;
    private boolean open = true;

    private S3DesSink(S3Objects objects, String bucket, String key, StreamUploadOptions options) {
        this.bucket = bucket;
        this.key = key;
        this.upload = objects.openUpload(bucket, key, options);
    }

    /** A sink to {@code bucket}/{@code key} that refuses to replace an existing object. */
    public static S3DesSink create(S3Client s3, String bucket, String key) {
        return builder(s3, bucket, key).build();
    }

    public static Builder builder(S3Client s3, String bucket, String key) {
        return new Builder(s3, bucket, key);
    }

    /** Configures an {@link S3DesSink}. Not thread-safe. */
    public static final class Builder {
        private final S3Objects objects;
        private final String bucket;
        private final String key;
        private StreamUploadOptions options = StreamUploadOptions.defaults().withPartSize(DEFAULT_PART_SIZE)
                .withPartsInFlight(2);
        private boolean overwrite;

        private Builder(S3Client s3, String bucket, String key) {
            this.objects = S3Objects.create(Objects.requireNonNull(s3, "s3"));
            this.bucket = Objects.requireNonNull(bucket, "bucket");
            this.key = Objects.requireNonNull(key, "key");
            if (key.isEmpty() || key.endsWith("/")) {
                throw new IllegalArgumentException("archive key '" + key + "' must name an object, e.g. day1/a.des");
            }
        }

        /**
         * The streamed upload's options, whole (default {@link StreamUploadOptions#defaults()} with 8 MiB parts and 2
         * parts in flight); {@link #partSize} and {@link #partsInFlight} are shortcuts that change one field of it.
         */
        public Builder options(StreamUploadOptions o) {
            this.options = Objects.requireNonNull(o, "options");
            return this;
        }

        /** Shortcut: bytes per part, 5 MiB (S3's minimum) to 2 GiB; default 8 MiB. An archive may have 10,000 parts. */
        public Builder partSize(int bytes) {
            this.options = options.withPartSize(bytes);
            return this;
        }

        /** Shortcut: parts uploading while the next fills (default 2, 1..16). */
        public Builder partsInFlight(int n) {
            this.options = options.withPartsInFlight(n);
            return this;
        }

        /**
         * Whether an existing object under the key may be replaced (default false: {@link #build()} fails with
         * {@link DesOutputExistsException} when one exists; checked once with a HEAD, so two writers racing for one
         * key are not excluded).
         */
        public Builder overwrite(boolean v) {
            this.overwrite = v;
            return this;
        }

        public S3DesSink build() {
            if (!overwrite) {
                String url = "s3://" + bucket + "/" + key;
                boolean exists;
                try {
                    exists = objects.head(bucket, key).isPresent();
                } catch (AwsServiceException e) {
                    throw new DesIoException(url, "cannot check " + url, new IOException(e.getMessage(), e));
                } catch (SdkException e) {
                    throw new DesIoException(url, "cannot reach S3 for " + url, new IOException(e.getMessage(), e));
                }
                if (exists) {
                    throw new DesOutputExistsException(url, url + " already exists; choose another key or allow"
                            + " replacing it (S3DesSink.builder(..).overwrite(true))");
                }
            }
            return new S3DesSink(objects, bucket, key, options);
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
        return upload.write(src);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Bytes written so far. */
    public long written() {
        return upload.written();
    }

    @Override
    public void commit() throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
        upload.complete();
        open = false;
    }

    @Override
    public void abort() {
        open = false;
        upload.abort();
    }

    /** Same as {@link #abort()} unless committed: closing without commit never publishes the archive. */
    @Override
    public void close() {
        if (open) {
            abort();
        }
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + key;
    }

    @Override
    public String toString() {
        return "S3DesSink[" + describe() + "]";
    }
}
