package io.stowage.s3.internal;

import io.stowage.s3.ETags;
import io.stowage.s3.RemoteObject;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.zip.CRC32C;

/**
 * The whole-object GET protocol of a download: one GET streamed into the temporary file (through O_DIRECT for big
 * files, see {@link DirectRegion}), checked as it streams (the CRC-32C our upload recorded, or else the MD5 a
 * single-part ETag is) and by size. Thread-safe (one instance per run, called by its workers).
 */
final class WholeGet {
    private final DownloadRun run;

    WholeGet(DownloadRun run) {
        this.run = run;
    }

    /**
     * GET the whole object into temp, checking as it streams; verify the size, and the CRC-32C our upload recorded
     * or else the MD5 a single-part ETag is. Its bytes count into the progress as they arrive; a failed attempt takes
     * them back (it is retried from the start, or the file fails).
     */
    String get(RemoteObject o, Path temp, ObjectGet.Head[] head, boolean fsync) throws Exception {
        long written = 0;   // also counted into the progress as it arrives; taken back when this attempt fails
        try {
            MessageDigest md = null;
            CRC32C crc = null;
            String eTag;
            try (ObjectGet.Opened got = run.gets.open(o.key(), null, null);
                 FileChannel ch = LocalTarget.openTemp(temp);
                 DirectRegion.Target dt = o.size() >= DirectRegion.MIN_FILE ? DirectRegion.open(temp) : null;
                 DirectRegion region = dt == null ? null : new DirectRegion(dt, ch, 0)) {
                head[0] = got.head();
                Long announced = got.head().contentLength();
                if (announced != null && announced != o.size()) {
                    // the listing (or HEAD) and the GET disagree: neither is trusted, nothing is written
                    throw new SizeMismatchException("the store listed " + o.key() + " with " + o.size()
                            + " bytes but its GET announces " + announced + " (Content-Length); not written");
                }
                eTag = ETags.unquote(got.head().eTag());
                if (got.head().crc32c() != null) {
                    crc = new CRC32C();
                } else if (ETags.isPlainMd5(eTag)) {
                    md = Md5s.newDigest();
                }
                InputStream in = got.body();
                byte[] buf = LocalTarget.buffer();
                int n;
                while ((n = LocalTarget.fill(in, buf)) > 0) {   // whole buffers: one write per 128 KiB, not per socket read
                    if (run.cancellation.isCancelled()) {
                        throw new CancelledException();
                    }
                    if (written + n > o.size()) {
                        throw new SizeMismatchException("the GET of " + o.key() + " sent more than the " + o.size()
                                + " bytes the store listed; not written");
                    }
                    if (crc != null) {
                        crc.update(buf, 0, n);
                    } else if (md != null) {
                        md.update(buf, 0, n);
                    }
                    int k = n;
                    LocalTarget.writing(temp, region != null ? () -> region.write(buf, 0, k) : () -> {
                        ByteBuffer b = ByteBuffer.wrap(buf, 0, k);
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                    });
                    written += n;
                    run.tracker.transferred(n);
                }
                if (region != null) {
                    long size = written;
                    LocalTarget.writing(temp, () -> {
                        region.finish(true);
                        ch.truncate(size); // the padding of the last block
                    });
                }
                if (fsync) {
                    LocalTarget.force(ch, temp);
                }
            }
            // checked against the listed size (the GET's own Content-Length was checked against it above)
            if (written != o.size()) {
                throw new ChecksumMismatchException("received " + written + " bytes of " + o.key() + ", expected "
                        + o.size());
            }
            if (crc != null) {
                DownloadVerification.checkCrc(o, eTag, head[0].crc32c(), (int) crc.getValue(), temp, written, "the received bytes");
            } else if (md != null && !Md5s.hex(md.digest()).equalsIgnoreCase(eTag)) {
                throw new ChecksumMismatchException("MD5 of the received bytes of " + o.key() + " differs from ETag "
                        + eTag);
            }
            return eTag;
        } catch (Exception e) {
            run.tracker.takeBack(written);
            throw e;
        }
    }
}
