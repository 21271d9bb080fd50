package io.stowage.s3.internal;

import io.stowage.s3.ETags;
import io.stowage.s3.LocalFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The multipart-PUT protocol of an upload: parts of one file go up in parallel on the run's part pool, each with
 * {@code Content-MD5} and its ETag checked; the completed object's ETag is compared with the MD5 of the part MD5s. A
 * lost complete response is recognised by a HEAD. A failed or cancelled upload is aborted (also every upload still
 * open when the run ends). Thread-safe (one instance per run, called by its workers).
 */
final class MultipartPut {
    private static final Logger LOG = LoggerFactory.getLogger(MultipartPut.class);

    private final UploadRun run;
    /** upload id -> key of every multipart upload created and not yet completed or aborted. */
    private final Map<String, String> open = new ConcurrentHashMap<>();

    MultipartPut(UploadRun run) {
        this.run = run;
    }

    /** Uploads {@code file} in parts; {@code sent[0]} grows by each stored part. */
    Retrier.Result<String> put(LocalFile file, long size, FileTime m0, String contentType, Map<String, String> meta,
                               long[] sent) throws Exception {
        String bucket = run.target.bucket();
        long partSize = run.opts.partSizeFor(size);
        int n = (int) ((size + partSize - 1) / partSize);
        Retrier.Result<String> created = run.retrier.run(() -> run.s3.createMultipartUpload(b -> b.bucket(bucket)
                .key(file.key()).contentType(contentType).metadata(meta)).uploadId());
        String uploadId = created.value();
        open.put(uploadId, file.key());
        AtomicInteger attempts = new AtomicInteger(created.attempts());
        byte[][] md5s = new byte[n][];
        String[] eTags = new String[n];
        List<Future<?>> futures = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                int partNumber = i + 1;
                long off = i * partSize;
                long len = Math.min(partSize, size - off);
                futures.add(run.parts.submit(() -> {
                    Retrier.Result<String> pr = run.retrier.run(() -> part(file, uploadId, partNumber, off, len,
                            contentType, md5s));
                    eTags[partNumber - 1] = pr.value();
                    attempts.addAndGet(pr.attempts() - 1);
                    synchronized (sent) {
                        sent[0] += len;
                    }
                    run.tracker.transferred(len);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    Futures.await(f);
                } catch (Exception e) {
                    for (Future<?> other : futures) {
                        other.cancel(true);
                    }
                    throw e;
                }
            }
            UploadSource.checkUnchanged(file.path(), size, m0);
            String expected = Md5s.multipartETag(md5s);
            Retrier.Result<String> done = complete(file, uploadId, eTags, expected);
            open.remove(uploadId);
            String eTag = done.value();
            if (ETags.isMultipart(eTag) && !eTag.equalsIgnoreCase(expected)) {
                run.deleteQuietly(file.key());
                throw new ChecksumMismatchException("the store's ETag " + eTag + " differs from the local "
                        + expected + " of " + file.relativePath());
            }
            return new Retrier.Result<>(eTag, attempts.get() + done.attempts() - 1);
        } catch (Exception e) {
            for (Future<?> other : futures) {
                other.cancel(true);
            }
            if (open.remove(uploadId) != null) {
                abortQuietly(file.key(), uploadId);
            }
            throw e;
        }
    }

    /** One attempt at one part: its MD5, the request, the ETag check; the part's raw ETag. */
    private String part(LocalFile file, String uploadId, int partNumber, long off, long len, String contentType,
                        byte[][] md5s) throws Exception {
        String bucket = run.target.bucket();
        byte[] md5 = UploadSource.md5(file.path(), off, len, null);
        String rawETag;
        if (run.direct != null) {
            try {
                rawETag = run.direct.uploadPart(bucket, file.key(), uploadId, partNumber, len, Md5s.base64(md5),
                        () -> new RangeInputStream(file.path(), off, len));
            } catch (DirectS3.BodyReadException e) {
                throw UploadSource.local(e);
            }
        } else {
            rawETag = run.s3.uploadPart(b -> b.bucket(bucket).key(file.key()).uploadId(uploadId)
                            .partNumber(partNumber).contentLength(len).contentMD5(Md5s.base64(md5)),
                    RequestBody.fromContentProvider(() -> UploadSource.open(file.path(), off, len), len,
                            contentType)).eTag();
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new CancelledException();   // as the SDK does after an interrupted request
        }
        String eTag = ETags.unquote(rawETag);
        if (ETags.isPlainMd5(eTag) && !eTag.equalsIgnoreCase(Md5s.hex(md5))) {
            throw new ChecksumMismatchException("part " + partNumber + " ETag " + eTag
                    + " differs from the local MD5 " + Md5s.hex(md5));
        }
        md5s[partNumber - 1] = md5;
        return rawETag;
    }

    private Retrier.Result<String> complete(LocalFile file, String uploadId, String[] eTags, String expected)
            throws Exception {
        String bucket = run.target.bucket();
        List<CompletedPart> completed = new ArrayList<>(eTags.length);
        for (int i = 0; i < eTags.length; i++) {
            completed.add(CompletedPart.builder().partNumber(i + 1).eTag(eTags[i]).build());
        }
        int[] tries = new int[1];
        return run.retrier.run(() -> {
            tries[0]++;
            try {
                CompleteMultipartUploadResponse resp = run.s3.completeMultipartUpload(b -> b.bucket(bucket)
                        .key(file.key()).uploadId(uploadId).multipartUpload(m -> m.parts(completed)));
                return ETags.unquote(resp.eTag());
            } catch (AwsServiceException e) {
                if (tries[0] > 1 && e.statusCode() == 404) {
                    // an earlier attempt completed it but its response was lost: check what is stored
                    String stored = ETags.unquote(run.s3.headObject(h -> h.bucket(bucket).key(file.key())).eTag());
                    if (expected.equalsIgnoreCase(stored)) {
                        return stored;
                    }
                }
                throw e;
            }
        });
    }

    private void abortQuietly(String key, String uploadId) {
        try {
            run.s3.abortMultipartUpload(b -> b.bucket(run.target.bucket()).key(key).uploadId(uploadId));
        } catch (RuntimeException e) {
            LOG.warn("could not abort multipart upload {} of {}: {}; `stowage s3 cleanup {}` removes it later",
                    uploadId, key, e.toString(), run.target);
        }
    }

    /** Aborts every upload still open (the run ends). */
    void abortOpen() {
        for (Map.Entry<String, String> e : open.entrySet()) {
            abortQuietly(e.getValue(), e.getKey());
        }
        open.clear();
    }
}
