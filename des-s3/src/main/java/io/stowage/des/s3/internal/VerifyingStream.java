package io.stowage.des.s3.internal;

import io.stowage.des.DesChecksumException;
import io.stowage.des.DesCorruptException;
import io.stowage.des.DesEntry;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Passes a payload through, counting bytes and computing CRC-32C; at the end it checks the length and (when the entry
 * has one and verification is on) the checksum, and throws before reporting end of stream. The same contract as
 * des-format's reader streams. Not thread-safe (like any stream).
 */
public final class VerifyingStream extends InputStream {
    private final InputStream in;
    private final String archive;
    private final DesEntry entry;
    private final String where;
    private final boolean verifyCrc;
    private final CRC32C crc = new CRC32C();
    private long count;
    private boolean checked;

    public VerifyingStream(InputStream in, String archive, DesEntry entry, String where, boolean verifyCrc) {
        this.in = in;
        this.archive = archive;
        this.entry = entry;
        this.where = where;
        this.verifyCrc = verifyCrc && entry.hasCrc32c();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        long remaining = entry.size() - count;
        int want = (int) Math.min(len, Math.max(remaining, 1)); // ask for 1 byte past the end to detect excess
        int n = in.read(b, off, want);
        if (n < 0) {
            finish();
            return -1;
        }
        if (count + n > entry.size()) {
            throw new DesCorruptException(archive, "external", -1, where + " of '" + entry.name()
                    + "' is longer than its index size " + entry.size() + "; it was replaced or altered");
        }
        if (verifyCrc) {
            crc.update(b, off, n);
        }
        count += n;
        if (count == entry.size()) {
            finish();
        }
        return n;
    }

    private void finish() {
        if (checked) {
            return;
        }
        if (count != entry.size()) {
            throw new DesCorruptException(archive, "external", -1, where + " of '" + entry.name() + "' ended after "
                    + count + " of " + entry.size() + " bytes; it is truncated");
        }
        if (verifyCrc && (int) crc.getValue() != entry.crc32c()) {
            throw Checksums.mismatch(archive, entry, where, (int) crc.getValue());
        }
        checked = true;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), entry.size() - count);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** The checksum messages, shared by the stream and the in-memory reads. */
    public static final class Checksums {
        private Checksums() {}

        public static DesChecksumException mismatch(String archive, DesEntry e, String where, int actual) {
            return new DesChecksumException(archive, "index[" + e.indexPosition() + "].meta.crc32c",
                    e.isExternal() ? e.metaOffset() : e.dataOffset(), String.format("payload of '%s' (%s) has"
                            + " CRC-32C %08x but META says %08x; the bytes were altered after they were written",
                    e.name(), where, actual, e.crc32c()));
        }

        /** Checks {@code [off, off+len)} of {@code b} against the entry's crc32c, if it has one and {@code verify}. */
        public static void check(String archive, DesEntry e, byte[] b, int off, int len, boolean verify) {
            if (verify && e.hasCrc32c()) {
                CRC32C c = new CRC32C();
                c.update(b, off, len);
                int actual = (int) c.getValue();
                if (actual != e.crc32c()) {
                    throw mismatch(archive, e, "payload at offset " + e.dataOffset(), actual);
                }
            }
        }
    }
}
