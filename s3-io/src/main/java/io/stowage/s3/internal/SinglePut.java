package io.stowage.s3.internal;

import io.stowage.s3.ETags;
import io.stowage.s3.LocalFile;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * The single-PUT protocol of an upload: files up to {@value #IN_MEMORY_LIMIT} bytes are read once, hashed and sent
 * from memory; bigger ones are hashed (MD5 and CRC-32C in one pass), then streamed, and carry their CRC-32C in
 * metadata, so a ranged download verifies them as its ranges stream. Every PUT carries {@code Content-MD5}; the
 * returned ETag is compared with the local MD5. Thread-safe (one instance per run, called by its workers).
 */
final class SinglePut {
    /** Files up to this size are read into memory once (hash and send the same bytes). */
    static final int IN_MEMORY_LIMIT = 1 << 20;

    private final UploadRun run;

    SinglePut(UploadRun run) {
        this.run = run;
    }

    /** One attempt: hash, check the file did not change, send; the store's ETag (unquoted). */
    String put(LocalFile file, long size, FileTime m0, String contentType, Map<String, String> meta)
            throws Exception {
        byte[] bytes = size <= IN_MEMORY_LIMIT ? UploadSource.readExactly(file.path(), size) : null;
        byte[] md5;
        Map<String, String> metadata = meta;
        if (bytes != null) {
            md5 = Md5s.newDigest().digest(bytes);
        } else {
            CRC32C crc = new CRC32C();
            md5 = UploadSource.md5(file.path(), 0, size, crc);
            metadata = new java.util.HashMap<>(meta);
            metadata.put(Crc32cs.METADATA, Crc32cs.hex((int) crc.getValue()));
        }
        UploadSource.checkUnchanged(file.path(), size, m0);
        ProgressBody progress = new ProgressBody();
        try {
            String eTag = ETags.unquote(send(file, size, bytes, md5, contentType, metadata, progress));
            String expected = Md5s.hex(md5);
            if (ETags.isPlainMd5(eTag) && !eTag.equalsIgnoreCase(expected)) {
                throw new ChecksumMismatchException("the store's ETag " + eTag + " differs from the local MD5 "
                        + expected + " of " + file.relativePath());
            }
            if (bytes != null) {
                run.tracker.transferred(size);   // an in-memory body counts once stored; a streamed one as it is sent
            }
            return eTag;
        } catch (Exception e) {
            progress.takeBack();   // this attempt failed (a wrong ETag too): its bytes are sent again or never count
            throw e;
        }
    }

    /** One PUT of a whole file, from {@code bytes} or streamed from disk through {@code progress}; its raw ETag. */
    private String send(LocalFile file, long size, byte[] bytes, byte[] md5, String contentType,
                        Map<String, String> meta, ProgressBody progress) throws Exception {
        String bucket = run.target.bucket();
        if (run.direct != null) {
            DirectS3.Body b = bytes != null ? () -> new java.io.ByteArrayInputStream(bytes)
                    : () -> progress.count(new RangeInputStream(file.path(), 0, size));
            try {
                return run.direct.putObject(bucket, file.key(), size, Md5s.base64(md5), contentType, meta, b);
            } catch (DirectS3.BodyReadException e) {
                throw UploadSource.local(e);
            }
        }
        RequestBody body = bytes != null ? RequestBody.fromBytes(bytes)
                : RequestBody.fromContentProvider(() -> progress.count(UploadSource.open(file.path(), 0, size)), size,
                contentType);
        return run.s3.putObject(b -> b.bucket(bucket).key(file.key()).contentLength(size)
                .contentMD5(Md5s.base64(md5)).contentType(contentType).metadata(meta), body).eTag();
    }

    /**
     * Counts a streamed single-PUT body into the progress as its bytes are read for sending, so a 100 MiB file moves
     * the progress bar while it uploads instead of at its end. A new stream of the same body (a resend) first takes
     * back what the previous one counted; a failed attempt takes back everything it counted.
     */
    private final class ProgressBody {
        private final AtomicLong counted = new AtomicLong();

        InputStream count(InputStream in) {
            takeBack();
            return new java.io.FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    if (n > 0) {
                        counted.addAndGet(n);
                        run.tracker.transferred(n);
                    }
                    return n;
                }

                @Override
                public int read() throws IOException {
                    int c = in.read();
                    if (c >= 0) {
                        counted.incrementAndGet();
                        run.tracker.transferred(1);
                    }
                    return c;
                }
            };
        }

        void takeBack() {
            run.tracker.takeBack(counted.getAndSet(0));
        }
    }
}
