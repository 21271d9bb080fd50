package io.stowage.des;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    /** Payloads up to this size are spooled in memory by {@link #spooled}; larger ones go to a temporary file. */
    public static final int SPOOL_IN_MEMORY = 8 << 20;

    /**
     * Reads a verifying stream (from {@link #verifying}) to its end before handing out a byte of it: the payload is
     * held in memory up to {@value #SPOOL_IN_MEMORY} bytes, beyond that in a temporary file of the JVM's temporary
     * folder (deleted when the returned stream is closed, or at once when the check fails). A length or checksum
     * failure is thrown here, so a caller that writes what it reads never writes a byte of a damaged entry.
     *
     * @param size the entry's size (how it is spooled)
     * @throws DesException from {@code verifying} (length or checksum), or {@link DesIoException} when the temporary
     *                      file cannot be written
     */
    public static InputStream spooled(InputStream verifying, String archive, DesEntry entry, long size) {
        try (InputStream in = verifying) {
            if (size <= SPOOL_IN_MEMORY) {
                return new ByteArrayInputStream(in.readAllBytes());
            }
            Path tmp = Files.createTempFile("stowage-des-", ".spool");
            boolean ok = false;
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    in.transferTo(out);
                }
                InputStream spool = Files.newInputStream(tmp, StandardOpenOption.DELETE_ON_CLOSE);
                ok = true;
                return spool;
            } finally {
                if (!ok) {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException e) {
            throw new DesIoException(archive, archive + ": cannot read entry '" + EntryNames.printable(entry.name())
                    + "' to check it before writing it out", e);
        }
    }

    /**
     * Checks the key an external entry is read from ({@code external_key}, or the one derived from its name): a
     * relative key with {@code /} separators, no {@code ..} segment, no backslash and no control character. Any other key would leave the external root (or name another object), so the archive is corrupt.
     *
     * @return {@code key}
     * @throws DesCorruptException naming the entry's {@code external_key} field
     */
    public static String checkExternalKey(String archive, DesEntry e, String key) {
        String problem = null;
        if (key == null || key.isEmpty()) {
            problem = "is empty";
        } else if (key.startsWith("/")) {
            problem = "is absolute";
        } else if (key.indexOf('\\') >= 0) {
            problem = "contains a backslash";
        } else {
            for (int i = 0; i < key.length() && problem == null; i++) {
                char c = key.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    problem = String.format("contains control character U+%04X", (int) c);
                }
            }
            for (String seg : key.split("/", -1)) {
                if (problem == null && seg.equals("..")) {
                    problem = "has a '..' segment";
                }
            }
        }
        if (problem != null) {
            throw new DesCorruptException(archive, "index[" + e.indexPosition() + "].meta.external_key",
                    e.metaOffset(), "external key '" + EntryNames.printable(String.valueOf(key)) + "' of entry '"
                            + EntryNames.printable(e.name()) + "' " + problem + ": it would leave the external"
                            + " store's root; the archive is corrupt or crafted (entries stored inside still read)");
        }
        return key;
    }

    /** The exception for a payload whose CRC-32C is {@code actual} instead of the entry's. */
    public static DesChecksumException mismatch(String archive, DesEntry e, String where, int actual) {
        return new DesChecksumException(archive, "index[" + e.indexPosition() + "].meta.crc32c",
                e.isExternal() ? e.metaOffset() : e.dataOffset(), String.format("payload of '%s' (%s) has CRC-32C"
                        + " %08x but META says %08x; the bytes were altered after they were written", e.name(), where,
                actual, e.crc32c()));
    }
}
