package io.stowage.des;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Passes a payload through, counting bytes and computing CRC-32C; at the end it checks the length and (when the
 * entry has one and verification is on) the checksum, and throws before reporting end of stream. Not thread-safe
 * (like any stream). Package-private: obtained from {@link DesArchive#openStream}.
 */
final class VerifyingInputStream extends InputStream {
    private final InputStream in;
    private final String archive;
    private final DesEntry entry;
    private final String where;
    private final boolean verifyCrc;
    private final CRC32C crc = new CRC32C();
    private long count;
    private boolean checked;

    VerifyingInputStream(InputStream in, String archive, DesEntry entry, String where, boolean verifyCrc) {
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
            throw DesPayloads.mismatch(archive, entry, where, (int) crc.getValue());
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
}
