package io.stowage.s3.internal;

import io.stowage.s3.RemoteObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * The ranged-GET protocol of a download: the object's ranges fetched in parallel on the run's part pool, each written
 * at its offset (through O_DIRECT when the ranges are block-aligned), each checked as it streams (its part MD5 when
 * the ranges are the object's multipart parts; its CRC-32C, combined into the object's to compare with the one our
 * upload recorded); If-Match the listed ETag, so a replaced object fails instead of mixing versions. Thread-safe (one
 * instance per run, called by its workers).
 */
final class RangedGet {
    private static final Logger LOG = LoggerFactory.getLogger(RangedGet.class);

    private final DownloadRun run;

    RangedGet(DownloadRun run) {
        this.run = run;
    }

    /**
     * Parallel ranged GETs (If-Match the listed ETag, so a replaced object fails instead of mixing versions). The
     * first range is opened before anything is sized from the listed size: its {@code Content-Range} total must be
     * that size (a listing that claims 1 PiB fails the file here, allocating nothing).
     */
    Retrier.Result<String> get(RemoteObject o, Path temp, ObjectGet.Head[] head, boolean fsync) throws Exception {
        long size = o.size();
        long part = run.opts.partSize();
        String ifMatch = o.eTag() == null ? null : "\"" + o.eTag() + "\"";
        AtomicInteger attempts = new AtomicInteger(1);
        // the first range, opened here: what the store says of the object's size before anything is sized from it
        AtomicReference<ObjectGet.Opened> firstOpened = new AtomicReference<>();
        Retrier.Result<ObjectGet.Opened> firstTry = run.retrier.run(() -> run.gets.open(o.key(),
                "bytes=0-" + (Math.min(part, size) - 1), ifMatch));
        attempts.addAndGet(firstTry.attempts() - 1);
        firstOpened.set(firstTry.value());
        List<Future<?>> futures = new ArrayList<>();
        try {
            head[0] = firstTry.value().head();
            Long total = head[0].totalSize();
            if (total == null || total != size) {
                throw new SizeMismatchException("the store listed " + o.key() + " with " + size + " bytes but its"
                        + " ranged GET says " + (total == null ? "no total size (no Content-Range)" : total + " bytes")
                        + "; not written");
            }
            int n = (int) ((size + part - 1) / part);
            // when the ranges are the object's multipart parts, each range's MD5 is its part's: verified as it streams
            boolean partMd5s = o.multipartCount() == n && DownloadVerification.multipartPartSize(o) == part;
            byte[][] md5s = partMd5s ? new byte[n][] : null;
            // and each range's CRC-32C, combined into the object's to check against the CRC our upload recorded
            int[] crcs = new int[n];
            long[] lengths = new long[n];
            return fetch(o, temp, head, fsync, n, partMd5s, md5s, crcs, lengths, attempts, firstOpened, futures);
        } finally {
            ObjectGet.Opened unused = firstOpened.getAndSet(null);
            if (unused != null) {
                unused.close();
            }
        }
    }

    private Retrier.Result<String> fetch(RemoteObject o, Path temp, ObjectGet.Head[] head, boolean fsync, int n,
                                         boolean partMd5s, byte[][] md5s, int[] crcs, long[] lengths,
                                         AtomicInteger attempts, AtomicReference<ObjectGet.Opened> firstOpened,
                                         List<Future<?>> futures) throws Exception {
        long size = o.size();
        long part = run.opts.partSize();
        String ifMatch = o.eTag() == null ? null : "\"" + o.eTag() + "\"";
        try (FileChannel ch = LocalTarget.openTemp(temp);
             DirectRegion.Target dt = size >= DirectRegion.MIN_FILE ? DirectRegion.open(temp) : null) {
            boolean direct = dt != null && dt.aligned(part); // every range then starts on a block boundary
            for (int i = 0; i < n; i++) {
                long off = i * part;
                long len = Math.min(part, size - off);
                int index = i;
                futures.add(run.parts.submit(() -> {
                    Retrier.Result<Void> r = run.retrier.run(() -> {
                        ObjectGet.Opened pre = index == 0 ? firstOpened.getAndSet(null) : null;
                        try (ObjectGet.Opened got = pre != null ? pre : run.gets.open(o.key(),
                                "bytes=" + off + "-" + (off + len - 1), ifMatch);
                             DirectRegion region = direct ? new DirectRegion(dt, ch, off) : null) {
                            InputStream in = got.body();
                            MessageDigest md = partMd5s ? Md5s.newDigest() : null;
                            CRC32C crc = new CRC32C();
                            byte[] buf = LocalTarget.buffer();
                            long pos = off;
                            int k;
                            while ((k = LocalTarget.fill(in, buf)) > 0) {
                                if (run.cancellation.isCancelled()) {
                                    throw new CancelledException();
                                }
                                if (pos + k > off + len) {
                                    throw new ChecksumMismatchException("range of " + o.key() + " returned more than "
                                            + len + " bytes");
                                }
                                if (md != null) {
                                    md.update(buf, 0, k);
                                }
                                crc.update(buf, 0, k);
                                int read = k;
                                long at = pos;
                                LocalTarget.writing(temp, region != null ? () -> region.write(buf, 0, read) : () -> {
                                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, read);
                                    for (long p = at; bb.hasRemaining(); ) {
                                        p += ch.write(bb, p);
                                    }
                                });
                                pos += k;
                            }
                            if (pos != off + len) {
                                throw new ChecksumMismatchException("range " + off + "-" + (off + len - 1) + " of "
                                        + o.key() + " returned " + (pos - off) + " bytes");
                            }
                            if (region != null) {
                                LocalTarget.writing(temp, () -> region.finish(off + len == size));
                            }
                            if (md != null) {
                                md5s[index] = md.digest();
                            }
                            crcs[index] = (int) crc.getValue();
                            lengths[index] = len;
                        }
                        return null;
                    });
                    attempts.addAndGet(r.attempts() - 1);
                    run.tracker.transferred(len);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                Futures.await(f);
            }
            if (direct) {
                LocalTarget.writing(temp, () -> ch.truncate(size)); // the padding of the last block
            }
            if (fsync) {
                LocalTarget.force(ch, temp);
            }
        } catch (Exception e) {
            for (Future<?> f : futures) {
                f.cancel(true);
            }
            throw e;
        }
        Integer recorded = head[0] == null ? null : head[0].crc32c();
        if (recorded != null) {
            // no second pass over the file (unless the CRC disagrees: then the MD5 ETag has the last word)
            DownloadVerification.checkCrc(o, o.eTag(), recorded, Crc32cs.combineAll(crcs, lengths), temp, size, "its " + n + " ranges");
        } else if (partMd5s) {
            String etag = Md5s.multipartETag(md5s);
            if (!etag.equalsIgnoreCase(o.eTag())) {
                LOG.debug("{}: multipart ETag not reproducible with {} byte parts (another uploader's part size); "
                        + "size verified only", o.key(), part);
            }
        } else {
            DownloadVerification.verifyRanged(o, temp);
        }
        return new Retrier.Result<>(o.eTag(), attempts.get());
    }
}
