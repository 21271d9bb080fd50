package io.stowage.s3;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.FailsafeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One object streamed up in parts ({@link S3Objects#openUpload}): bytes are collected into a part buffer; a full part
 * is uploaded in the background while the next fills (at most {@code partsInFlight} parts uploading, so memory is
 * {@code (partsInFlight + 1) x partSize}). The multipart upload is created with the first full part; an object that
 * never fills a part goes up with one PUT at {@link #complete()}. Either way nothing is visible under the key before
 * {@code complete()} returns, and {@link #abort()} leaves nothing behind. {@link #close()} without {@code complete()}
 * aborts, so a try-with-resources block that fails half-way stores nothing. Each request is retried as the options'
 * {@link RetrySettings} say.
 *
 * <pre>{@code
 * try (S3UploadStream up = S3Objects.create(s3).openUpload("media", "day1/a.des", StreamUploadOptions.defaults())) {
 *     in.transferTo(up);
 *     RemoteObject stored = up.complete();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one writer thread ({@link #abort()} may also be called from another thread to stop it).
 */
public final class S3UploadStream extends OutputStream {
    private static final Logger LOG = LoggerFactory.getLogger(S3UploadStream.class);

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final StreamUploadOptions options;
    private final FailsafeExecutor<Object> retry;
    private final Semaphore slots;
    private final ExecutorService pool;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private byte[] buf;
    private int filled;
    private String uploadId;
    private long written;
    private volatile boolean done;
    private RemoteObject result;

    S3UploadStream(S3Client s3, String bucket, String key, StreamUploadOptions options) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.options = options;
        this.retry = Failsafe.with(options.retry().policy());
        int inFlight = options.partsInFlight();
        this.slots = new Semaphore(inFlight);
        this.pool = Executors.newFixedThreadPool(inFlight, r -> {
            Thread t = new Thread(r, "stowage-upload-stream-part");
            t.setDaemon(true);
            return t;
        });
    }

    private String where() {
        return "s3://" + bucket + "/" + key;
    }

    /** The bucket written to. */
    public String bucket() {
        return bucket;
    }

    /** The key written to. */
    public String key() {
        return key;
    }

    /** Bytes accepted so far. */
    public long written() {
        return written;
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        ensureBuffer();
        buf[filled++] = (byte) b;
        written++;
        if (filled == buf.length) {
            sendPart();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        while (len > 0) {
            ensureBuffer();
            int k = Math.min(buf.length - filled, len);
            System.arraycopy(b, off, buf, filled, k);
            filled += k;
            off += k;
            len -= k;
            written += k;
            if (filled == buf.length) {
                sendPart();
            }
        }
    }

    /** Writes all remaining bytes of {@code src} (a channel-style write); returns how many. */
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        int n = src.remaining();
        while (src.hasRemaining()) {
            ensureBuffer();
            int k = Math.min(buf.length - filled, src.remaining());
            src.get(buf, filled, k);
            filled += k;
            written += k;
            if (filled == buf.length) {
                sendPart();
            }
        }
        return n;
    }

    private void ensureOpen() throws IOException {
        if (done) {
            throw new IOException(where() + ": the upload is already completed or aborted");
        }
    }

    private void ensureBuffer() {
        if (buf == null) {
            buf = new byte[options.partSize()];
            filled = 0;
        }
    }

    private void sendPart() throws IOException {
        checkFailures();
        if (parts.size() == StreamUploadOptions.MAX_PARTS) {
            throw new IOException(where() + ": more than " + StreamUploadOptions.MAX_PARTS + " parts of "
                    + options.partSize() + " bytes; use a larger part size for objects over "
                    + options.maxObjectSize() + " bytes");
        }
        try {
            if (uploadId == null) {
                uploadId = call(() -> s3.createMultipartUpload(r -> r.bucket(bucket).key(key)
                        .contentType(options.contentType())).uploadId(), "cannot start the multipart upload");
            }
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(where() + ": interrupted while uploading");
        }
        byte[] body = buf;
        int length = filled;
        buf = null;
        filled = 0;
        int number = parts.size() + 1;
        String id = uploadId;
        try {
            parts.add(pool.submit(() -> {
                try {
                    String eTag = retry.get(() -> s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(id)
                                    .partNumber(number).contentLength((long) length),
                            RequestBody.fromContentProvider(() -> new ByteArrayInputStream(body, 0, length), length,
                                    "application/octet-stream")).eTag());
                    return CompletedPart.builder().partNumber(number).eTag(eTag).build();
                } finally {
                    slots.release();
                }
            }));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            slots.release();
            throw new IOException(where() + ": the upload was aborted", e);
        }
    }

    /** Throws the first failure of a background part upload, if any finished with one. */
    private void checkFailures() throws IOException {
        for (Future<CompletedPart> f : parts) {
            if (f.isDone()) {
                get(f);
            }
        }
    }

    private CompletedPart get(Future<CompletedPart> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(where() + ": interrupted while uploading");
        } catch (java.util.concurrent.CancellationException e) {
            throw new IOException(where() + ": the upload was aborted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() instanceof FailsafeException && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause();
            throw new IOException(where() + ": a part upload failed: " + S3Errors.describe(c), c);
        }
    }

    private <T> T call(dev.failsafe.function.CheckedSupplier<T> request, String what) throws IOException {
        try {
            return retry.get(request);
        } catch (SdkException e) {
            throw new IOException(where() + ": " + what + ": " + S3Errors.describe(e), e);
        } catch (FailsafeException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new IOException(where() + ": " + what + ": " + S3Errors.describe(c), c);
        }
    }

    /**
     * Uploads what is left and completes the object: only now does it appear under its key.
     *
     * @return the stored object (its size, the store's ETag; last-modified unknown, {@code null})
     * @throws IOException if a request failed for good (the upload is then aborted)
     */
    public RemoteObject complete() throws IOException {
        ensureOpen();
        try {
            String eTag;
            if (uploadId == null) {
                byte[] body = buf == null ? new byte[0] : buf;
                int length = filled;
                eTag = call(() -> s3.putObject(r -> r.bucket(bucket).key(key).contentLength((long) length)
                                .contentType(options.contentType()),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(body, 0, length), length,
                                options.contentType() == null ? "application/octet-stream" : options.contentType()))
                        .eTag(), "cannot store the object");
            } else {
                if (filled > 0) {
                    sendPart();
                }
                List<CompletedPart> completed = new ArrayList<>(parts.size());
                for (Future<CompletedPart> f : parts) {
                    completed.add(get(f));
                }
                eTag = call(() -> s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(completed))).eTag(), "cannot complete the upload");
            }
            done = true;
            buf = null;
            pool.shutdown();
            result = new RemoteObject(key, written, ETags.unquote(eTag), null);
            return result;
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    /** Stops and discards the upload; never throws; safe to call twice; nothing if already completed. */
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        pool.shutdownNow();
        buf = null;
        try {
            // let interrupted part uploads end first, so none lands after the abort
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("{}: part uploads did not stop within 30 s; aborting the upload anyway", where());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (uploadId != null) {
            try {
                s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
            } catch (SdkException e) {
                LOG.warn("{}: cannot abort multipart upload {} ({}); it holds storage until a lifecycle rule or"
                        + " `IncompleteUploads` removes it", where(), uploadId, e.toString());
            }
        }
    }

    /** Aborts unless {@link #complete()} succeeded: closing without completing stores nothing. */
    @Override
    public void close() {
        abort();
    }

    /** Whether {@link #complete()} succeeded. */
    public boolean isCompleted() {
        return result != null;
    }
}
