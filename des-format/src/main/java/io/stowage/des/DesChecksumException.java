package io.stowage.des;

/**
 * A Stowage checksum (entry {@code crc32c} or the footer CRC-32C of META+INDEX) does not match the bytes read:
 * the archive or an external object was altered after it was written. No bytes of a failed entry are returned.
 *
 * <p>Immutable and thread-safe.
 */
public final class DesChecksumException extends DesCorruptException {
    private static final long serialVersionUID = 1L;

    public DesChecksumException(String archive, String field, long offset, String message) {
        super(archive, field, offset, message);
    }
}
