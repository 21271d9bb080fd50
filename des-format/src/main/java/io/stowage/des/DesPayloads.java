package io.stowage.des;

import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Payload checks shared by every {@link DesArchive} implementation (local here, S3 in des-s3), so all of them
 * report a damaged payload the same way and never hand out bytes whose checksum failed.
 *
 * <p>{@code InputStream in = DesPayloads.verifying(raw, "day.des", entry, "payload at offset 16", true);}
 *
 * <p>Stateless and thread-safe; the streams it returns are not thread-safe (like any stream).
 */
public final class DesPayloads {
    private DesPayloads() {}

    /**
     * Wraps a payload stream: counts bytes and computes CRC-32C; at the end checks the length (a
     * {@link DesCorruptException} when shorter or longer than the entry's size) and, when {@code verify} and the
     * entry has a {@code crc32c}, the checksum ({@link DesChecksumException}), before reporting end of stream.
     *
     * @param where what the bytes are, for messages, e.g. {@code "external object K in s3://bucket"}
     */
    public static InputStream verifying(InputStream in, String archive, DesEntry entry, String where,
                                        boolean verify) {
        return new VerifyingInputStream(in, archive, entry, where, verify);
    }

    /**
     * Checks {@code [off, off+len)} of {@code b} against the entry's {@code crc32c} when {@code verify} and the entry
     * has one.
     *
     * @throws DesChecksumException when it differs
     */
    public static void checkCrc(String archive, DesEntry entry, byte[] b, int off, int len, boolean verify) {
        if (verify && entry.hasCrc32c()) {
            CRC32C c = new CRC32C();
            c.update(b, off, len);
            int actual = (int) c.getValue();
            if (actual != entry.crc32c()) {
                throw mismatch(archive, entry, "payload at offset " + entry.dataOffset(), actual);
            }
        }
    }

    /** The exception for a payload whose CRC-32C is {@code actual} instead of the entry's. */
    public static DesChecksumException mismatch(String archive, DesEntry e, String where, int actual) {
        return new DesChecksumException(archive, "index[" + e.indexPosition() + "].meta.crc32c",
                e.isExternal() ? e.metaOffset() : e.dataOffset(), String.format("payload of '%s' (%s) has CRC-32C"
                        + " %08x but META says %08x; the bytes were altered after they were written", e.name(), where,
                actual, e.crc32c()));
    }
}
