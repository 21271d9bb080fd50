package io.stowage.s3.internal;

import io.stowage.s3.ETags;
import io.stowage.s3.RemoteObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * How a downloaded file is verified beyond what its GETs checked as they streamed: the CRC-32C recorded at upload
 * against the received one (with the MD5 ETag as the last word), and after ranged GETs the MD5 a single-part ETag is
 * or the multipart ETag when its part size is evident. Stateless.
 */
final class DownloadVerification {
    private static final Logger LOG = LoggerFactory.getLogger(DownloadVerification.class);

    private DownloadVerification() {}

    /**
     * The received CRC-32C against the one recorded at upload. When they differ and the ETag is a plain MD5, the
     * file's MD5 decides (one pass): a tool that rewrote the object but kept its metadata leaves a stale CRC.
     */
    static void checkCrc(RemoteObject o, String eTag, int recorded, int received, Path temp, long size,
                                 String what) throws Exception {
        if (recorded == received) {
            return;
        }
        boolean md5ETag = eTag != null && ETags.isPlainMd5(eTag);
        if (md5ETag) {
            if (Md5s.hex(Md5s.ofFile(temp, 0, size)).equalsIgnoreCase(eTag)) {
                LOG.warn("{}: its {} metadata ({}) does not match its bytes but its MD5 ETag does (rewritten by a tool "
                        + "that kept the metadata?); accepted on the MD5", o.key(), Crc32cs.METADATA,
                        Crc32cs.hex(recorded));
                return;
            }
        }
        throw new ChecksumMismatchException("CRC-32C " + Crc32cs.hex(received) + " of " + what + " of " + o.key()
                + " differs from the " + Crc32cs.hex(recorded) + " recorded in its " + Crc32cs.METADATA
                + " metadata at upload" + (md5ETag ? ", and so does its MD5" : ""));
    }

    /** The part size a multipart ETag's part count makes evident (size / parts rounded up to whole MiB), or 0. */
    static long multipartPartSize(RemoteObject o) {
        int parts = o.multipartCount();
        if (parts <= 0) {
            return 0;
        }
        long mib = 1L << 20;
        long guess = ((o.size() + parts - 1) / parts + mib - 1) / mib * mib;
        return (o.size() + guess - 1) / guess == parts ? guess : 0;
    }

    /** After ranges: a single-part ETag is the file's MD5; a multipart one is checked when its part size is evident. */
    static void verifyRanged(RemoteObject o, Path temp) throws Exception {
        if (o.isSinglePartMd5()) {
            String md5 = Md5s.hex(Md5s.ofFile(temp, 0, o.size()));
            if (!md5.equalsIgnoreCase(o.eTag())) {
                throw new ChecksumMismatchException("MD5 " + md5 + " of the downloaded " + o.key()
                        + " differs from its ETag " + o.eTag());
            }
        } else if (o.multipartCount() > 0) {
            long guess = multipartPartSize(o);
            if (guess > 0) {
                String etag = Md5s.multipartETag(temp, o.size(), guess);
                if (!etag.equalsIgnoreCase(o.eTag())) {
                    LOG.debug("{}: multipart ETag not reproducible with {} byte parts (another uploader's part size); "
                            + "size verified only", o.key(), guess);
                }
            }
        }
    }
}
