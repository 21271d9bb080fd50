package io.stowage.s3;

import io.stowage.s3.internal.Cancellation;
import io.stowage.s3.internal.UploadRun;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;

/**
 * Uploads a folder tree (or a stream of files) to an S3 prefix in parallel: skips what is already there, retries
 * transient errors with backoff, verifies every object's MD5, uses parallel multipart for big files, and ends with a
 * {@link TransferReport} instead of throwing for failed files.
 *
 * <pre>{@code
 * try (S3Client s3 = S3Settings.forEndpoint(URI.create("http://127.0.0.1:9000")).newClient();
 *      ParallelUploader up = ParallelUploader.builder(s3)
 *              .options(UploadOptions.defaults().withWorkers(32))
 *              .listener(progressPrinter)
 *              .build()) {
 *     TransferReport r = up.upload(Path.of("photos"), S3Location.parse("s3://media/day1"));
 *     System.out.println(r.transferred() + " uploaded, " + r.skipped() + " skipped, " + r.failed() + " failed");
 * }
 * }</pre>
 *
 * <p>Keys are the path relative to the folder, {@code /}-separated and Unicode NFC, under the prefix. The walk streams
 * in key order and is merged with a paged listing of the prefix, so memory stays flat for any number of files.
 * Each object is sent with {@code Content-MD5} (the store rejects corrupt bodies) and its returned ETag is compared
 * with the local MD5 (single part) or MD5 of part MD5s (multipart); a mismatch fails the file. A file whose size or
 * modification time changes while it is uploaded is deleted from the store again, retried later, and fails with
 * "changed during upload" if it keeps changing. A multipart upload that fails or is cancelled is aborted.
 *
 * <p>Thread-safety: one {@code upload} at a time per instance ({@code upload} is synchronized); {@link #cancel()}
 * and {@link #close()} may be called from any thread (e.g. a shutdown hook) and make the running upload return
 * promptly with {@link TransferReport#cancelled()} set. The client is not closed by this class.
 */
public final class ParallelUploader implements AutoCloseable {
    private final S3Client s3;
    private final UploadOptions options;
    private final SkipPolicy skipPolicy;
    private final TransferListener listener;
    private volatile Cancellation current;
    private volatile boolean closed;

    private ParallelUploader(Builder b) {
        this.s3 = b.s3;
        this.options = b.options;
        this.skipPolicy = b.skipPolicy;
        this.listener = b.listener;
    }

    /** A builder over a client the caller owns (and closes). */
    public static Builder builder(S3Client s3) {
        return new Builder(s3);
    }

    /** The options in use. */
    public UploadOptions options() {
        return options;
    }

    /**
     * Uploads every regular file under {@code folder} to {@code target}.
     *
     * @throws IllegalArgumentException if {@code folder} is not a readable folder
     * @throws S3ListingFailedException if the prefix cannot be listed for the skip check
     */
    public synchronized TransferReport upload(Path folder, S3Location target) {
        Objects.requireNonNull(target, "target");
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("upload source " + folder + " is not a folder"
                    + (Files.exists(folder) ? "" : " (it does not exist)"));
        }
        return run(target, run -> run.runTree(folder));
    }

    /**
     * Uploads the caller's items, each under its own key in {@code target}'s bucket, with the size and modification
     * time the caller already read (no stat before sending; the file is checked afterwards not to have changed). Every
     * {@link FileReport} gives the item back ({@link FileReport#item()}, with its tag); its {@code path} is the key
     * relative to {@code target}'s prefix. Items may come in any order and the iterator may block (a claim feed); when
     * the skip policy needs a listing, {@code target}'s prefix is listed into memory once.
     *
     * <pre>{@code
     * Iterator<UploadItem> items = claims.stream().map(c -> new UploadItem(c.path(), c.key(), c.size(), c.mtime(), c))
     *         .iterator();
     * TransferReport r = uploader.upload(items, S3Location.parse("s3://media/day1/"));
     * }</pre>
     *
     * @throws S3ListingFailedException if the prefix cannot be listed for the skip check
     */
    public synchronized TransferReport upload(Iterator<UploadItem> items, S3Location target) {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(target, "target");
        return run(target, run -> run.runItems(items));
    }

    /**
     * Uploads the given files; each key is the file's path relative to {@code root}. Files outside {@code root} fail.
     * Each file is statted here (give {@link UploadItem}s to {@link #upload(Iterator, S3Location)} when the sizes and
     * times are known). The listing (when the skip policy needs it) is loaded into memory once, as the files may come
     * in any order.
     */
    public synchronized TransferReport upload(Path root, Iterator<Path> files, S3Location target) {
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(target, "target");
        return run(target, run -> run.runFiles(root, files));
    }

    private TransferReport run(S3Location target, java.util.function.Function<UploadRun, TransferReport> body) {
        if (closed) {
            throw new IllegalStateException("this ParallelUploader is closed");
        }
        Cancellation c = new Cancellation();
        current = c;
        try {
            return body.apply(new UploadRun(s3, options, skipPolicy, listener, target, c));
        } finally {
            current = null;
        }
    }

    /** Stops the running upload promptly (aborting its open multipart uploads); it returns a cancelled report. */
    public void cancel() {
        Cancellation c = current;
        if (c != null) {
            c.cancel();
        }
    }

    /** Cancels a running upload; later uploads are refused. Does not close the client. */
    @Override
    public void close() {
        closed = true;
        cancel();
    }

    /** Configures a {@link ParallelUploader}. Not thread-safe. */
    public static final class Builder {
        private final S3Client s3;
        private UploadOptions options = UploadOptions.defaults();
        private SkipPolicy skipPolicy = SkipPolicy.sameSize();
        private TransferListener listener = TransferListener.none();

        private Builder(S3Client s3) {
            this.s3 = Objects.requireNonNull(s3, "s3");
        }

        public Builder options(UploadOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** What to skip; default {@link SkipPolicy#sameSize()}. */
        public Builder skipPolicy(SkipPolicy skipPolicy) {
            this.skipPolicy = Objects.requireNonNull(skipPolicy, "skipPolicy");
            return this;
        }

        public Builder listener(TransferListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public ParallelUploader build() {
            return new ParallelUploader(this);
        }
    }
}
