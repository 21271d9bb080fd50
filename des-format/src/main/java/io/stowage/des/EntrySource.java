package io.stowage.des;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Where the payload of one entry being added to a {@link DesWriter} comes from: copied into the archive
 * ({@link #copyInto}) or streamed to the external store ({@link #stream}). Implementations live beside the
 * {@code add} methods; {@link ReadAhead.EntryBytes} is the per-file one of packing.
 *
 * <p>Not thread-safe: used on the writer's thread for one entry.
 */
interface EntrySource {
    /** Copies the payload to {@code out}, updating {@code crc} when not {@code null}; returns the bytes copied. */
    long copyInto(ArchiveOutput out, CRC32C crc) throws IOException;

    /** The payload as a stream (for the external store). */
    InputStream stream() throws IOException;

    /**
     * The payload's CRC-32C (0 to 2^32 - 1) when the source computed it already (then {@link #copyInto} skips it),
     * else -1.
     */
    default long crc32c() {
        return -1;
    }
}
