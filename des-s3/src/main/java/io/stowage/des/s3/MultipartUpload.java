package io.stowage.des.s3;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * One object streamed up in parts: bytes are collected into a part buffer; a full part is uploaded in the background
 * while the next fills (at most {@code inFlight} parts uploading, so memory is {@code (inFlight + 1) x partSize}). The
 * multipart upload is created with the first full part; an object that never fills a part goes up with one PUT at
 * {@link #complete()}. Either way nothing is visible under the key before {@code complete()} returns, and
 * {@link #abort()} leaves nothing behind. Not thread-safe: one writer thread.
 */
final class MultipartUpload {
    private static final Logger LOG = LoggerFactory.getLogger(MultipartUpload.class);
    /** S3's smallest part (except the last). */
    static final int MIN_PART = 5 << 20;
    /** S3's largest number of parts. */
    static final int MAX_PARTS = 10_000;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final int partSize;
    private final Semaphore slots;
    private final ExecutorService pool;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private ByteBuffer buf;
    private String uploadId;
    private long written;
    private boolean done;

    MultipartUpload(S3Client s3, String bucket, String key, int partSize, int inFlight) {
        checkPartSize(partSize);
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.partSize = partSize;
        this.slots = new Semaphore(Math.max(1, inFlight));
        this.pool = Executors.newFixedThreadPool(Math.max(1, inFlight), r -> {
            Thread t = new Thread(r, "des-s3-part");
            t.setDaemon(true);
            return t;
        });
        this.buf = ByteBuffer.allocate(partSize);
    }

    static void checkPartSize(int bytes) {
        if (bytes < MIN_PART || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("part size " + bytes + " is outside 5 MiB..2 GiB (S3 needs parts of"
                    + " at least 5 MiB)");
        }
    }

    private String where() {
        return "s3://" + bucket + "/" + key;
    }

    /** Bytes accepted so far. */
    long written() {
        return written;
    }

    int write(ByteBuffer src) throws IOException {
        if (done) {
            throw new IOException(where() + ": the upload is already completed or aborted");
        }
        int n = src.remaining();
        while (src.hasRemaining()) {
            int k = Math.min(buf.remaining(), src.remaining());
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + k);
            buf.put(part);
            src.position(src.position() + k);
            if (!buf.hasRemaining()) {
                sendPart();
            }
        }
        written += n;
        return n;
    }

    private void sendPart() throws IOException {
        checkFailures();
        if (parts.size() == MAX_PARTS) {
            throw new IOException(where() + ": more than " + MAX_PARTS + " parts of " + partSize + " bytes; use a"
                    + " larger part size for objects over " + ((long) partSize * MAX_PARTS) + " bytes");
        }
        try {
            if (uploadId == null) {
                uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
            }
            slots.acquire();
        } catch (SdkException e) {
            throw new IOException(where() + ": cannot start the multipart upload: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(where() + ": interrupted while uploading", e);
        }
        ByteBuffer full = buf.flip();
        int number = parts.size() + 1;
        String id = uploadId;
        parts.add(pool.submit(() -> {
            try {
                byte[] body = new byte[full.remaining()];
                full.get(body);
                String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(id).partNumber(number)
                        .contentLength((long) body.length), RequestBody.fromBytes(body)).eTag();
                return CompletedPart.builder().partNumber(number).eTag(etag).build();
            } finally {
                slots.release();
            }
        }));
        buf = ByteBuffer.allocate(partSize);
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
            throw new IOException(where() + ": interrupted while uploading", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw new IOException(where() + ": a part upload failed: " + c.getMessage(), c);
        }
    }

    /** Uploads what is left and completes the object: only now does it appear under its key. */
    void complete() throws IOException {
        if (done) {
            throw new IOException(where() + ": the upload is already completed or aborted");
        }
        try {
            if (uploadId == null) {
                buf.flip();
                byte[] body = new byte[buf.remaining()];
                buf.get(body);
                s3.putObject(r -> r.bucket(bucket).key(key).contentLength((long) body.length),
                        RequestBody.fromBytes(body));
            } else {
                if (buf.position() > 0) {
                    sendPart();
                }
                List<CompletedPart> completed = new ArrayList<>();
                for (Future<CompletedPart> f : parts) {
                    completed.add(get(f));
                }
                completed.sort(Comparator.comparingInt(CompletedPart::partNumber));
                s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(completed)));
            }
            done = true;
        } catch (SdkException e) {
            throw new IOException(where() + ": cannot complete the upload: " + e.getMessage(), e);
        } finally {
            pool.shutdown();
        }
    }

    /** Stops and discards the upload; never throws; safe to call twice. */
    void abort() {
        if (done) {
            return;
        }
        done = true;
        pool.shutdownNow();
        buf = null;
        try {
            // let interrupted part uploads end first, so none lands after the abort
            if (!pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
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
}
