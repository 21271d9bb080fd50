package io.stowage.des;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Counts the bytes read through it and updates a CRC-32C with them ({@code null}: none): how {@link DesWriter}
 * checks an external payload's length and computes its checksum while the external store reads it.
 *
 * <p>Not thread-safe, like any stream.
 */
final class CountingCrcStream extends FilterInputStream {
    private final CRC32C crc;
    long count;

    CountingCrcStream(InputStream in, CRC32C crc) {
        super(in);
        this.crc = crc;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count++;
            if (crc != null) {
                crc.update(b);
            }
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
            if (crc != null) {
                crc.update(b, off, n);
            }
        }
        return n;
    }
}
