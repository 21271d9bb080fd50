package io.stowage.des;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The 72-byte FOOTER of a DES v1 archive, validated against the archive size: the regions it declares tile the file
 * exactly (HEADER, DATA, META, INDEX, FOOTER), so no later read can go outside the file.
 *
 * <p>{@code DesFooter f = DesFooter.parse("day.des", size, last72Bytes); long indexAt = f.indexStart();}
 *
 * <p>Immutable and thread-safe. Parsing never allocates more than the 72 bytes given.
 */
public final class DesFooter {
    /** Size of the FOOTER in bytes. */
    public static final int SIZE = 72;
    /** Size of the HEADER in bytes. */
    public static final int HEADER_SIZE = 16;
    /** Smallest valid archive: header + footer. */
    public static final int MIN_ARCHIVE_SIZE = HEADER_SIZE + SIZE;
    /** Smallest INDEX record: u16 name length, empty name, 36 fixed bytes. */
    static final int MIN_RECORD = 38;

    static final byte[] HEADER_MAGIC = "DESHEAD1".getBytes(StandardCharsets.US_ASCII);
    static final byte[] FOOTER_MAGIC = "DESFOOT1".getBytes(StandardCharsets.US_ASCII);

    private final long fileSize;
    private final long dataStart;
    private final long dataLength;
    private final long metaStart;
    private final long metaLength;
    private final long indexStart;
    private final long indexLength;
    private final long fileCount;
    private final boolean hasCrc;
    private final int crc;

    private DesFooter(long fileSize, long dataStart, long dataLength, long metaStart, long metaLength,
                      long indexStart, long indexLength, long fileCount, boolean hasCrc, int crc) {
        this.fileSize = fileSize;
        this.dataStart = dataStart;
        this.dataLength = dataLength;
        this.metaStart = metaStart;
        this.metaLength = metaLength;
        this.indexStart = indexStart;
        this.indexLength = indexLength;
        this.fileCount = fileCount;
        this.hasCrc = hasCrc;
        this.crc = crc;
    }

    /** Checks the 16-byte HEADER (magic and version). */
    public static void checkHeader(String archive, ByteBuffer header) {
        ByteBuffer h = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (h.remaining() < HEADER_SIZE) {
            throw new DesCorruptException(archive, "header", 0, "header is " + h.remaining()
                    + " bytes, expected " + HEADER_SIZE + "; the archive is truncated or not DES v1");
        }
        int p = h.position();
        for (int i = 0; i < HEADER_MAGIC.length; i++) {
            if (h.get(p + i) != HEADER_MAGIC[i]) {
                throw new DesCorruptException(archive, "header.magic", 0,
                        "header magic is not DESHEAD1; this is not a DES v1 archive");
            }
        }
        int version = h.get(p + 8) & 0xff;
        if (version != 1) {
            throw new DesCorruptException(archive, "header.version", 8, "header version " + version
                    + " is not supported; this reader implements DES v1 only");
        }
    }

    /**
     * Parses and validates the footer.
     *
     * @param fileSize the archive's real size in bytes (from the file system or {@code Content-Range})
     * @param footer   exactly the last 72 bytes of the archive (position to limit)
     * @throws DesCorruptException naming the field and its absolute offset
     */
    public static DesFooter parse(String archive, long fileSize, ByteBuffer footer) {
        if (fileSize < MIN_ARCHIVE_SIZE) {
            throw new DesCorruptException(archive, "file_size", 0, "file is " + fileSize
                    + " bytes, smaller than the minimum DES v1 archive of " + MIN_ARCHIVE_SIZE
                    + " bytes; the archive is truncated or not DES v1 (check the upload completed)");
        }
        ByteBuffer f = footer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long base = fileSize - SIZE;
        if (f.remaining() != SIZE) {
            throw new IllegalArgumentException("footer buffer must hold exactly " + SIZE + " bytes, got " + f.remaining());
        }
        int p = f.position();
        for (int i = 0; i < FOOTER_MAGIC.length; i++) {
            if (f.get(p + i) != FOOTER_MAGIC[i]) {
                throw new DesCorruptException(archive, "footer.magic", base, "footer magic at offset " + base
                        + " is not DESFOOT1; the archive is truncated, has trailing bytes, or is not DES v1");
            }
        }
        int version = f.get(p + 8) & 0xff;
        if (version != 1) {
            throw new DesCorruptException(archive, "footer.version", base + 8, "footer version " + version
                    + " is not supported; this reader implements DES v1 only");
        }
        boolean hasCrc = (f.get(p + 9) & 1) != 0;
        int crc = f.getInt(p + 12);
        String[] names = {"data_start", "data_length", "meta_start", "meta_length", "index_start", "index_length",
            "file_count"};
        long[] v = new long[7];
        for (int i = 0; i < 7; i++) {
            v[i] = f.getLong(p + 16 + 8 * i);
            if (v[i] < 0 || v[i] > fileSize) {
                throw new DesCorruptException(archive, "footer." + names[i], base + 16 + 8 * i, names[i] + " "
                        + Long.toUnsignedString(v[i]) + " at offset " + (base + 16 + 8 * i) + " exceeds the file size "
                        + fileSize + "; the archive is truncated or not DES v1 (check the upload completed)");
            }
        }
        long dataStart = v[0], dataLength = v[1], metaStart = v[2], metaLength = v[3];
        long indexStart = v[4], indexLength = v[5], fileCount = v[6];
        if (dataStart < HEADER_SIZE) {
            throw corrupt(archive, base, 0, names, "data_start " + dataStart + " overlaps the 16-byte header");
        }
        if (dataStart + dataLength != metaStart) {
            throw corrupt(archive, base, 2, names, "meta_start " + metaStart + " != data_start " + dataStart
                    + " + data_length " + dataLength + "; the regions do not add up");
        }
        if (metaStart + metaLength != indexStart) {
            throw corrupt(archive, base, 4, names, "index_start " + indexStart + " != meta_start " + metaStart
                    + " + meta_length " + metaLength + "; the regions do not add up");
        }
        if (indexStart + indexLength != base) {
            throw corrupt(archive, base, 5, names, "index_start " + indexStart + " + index_length " + indexLength
                    + " != footer offset " + base + " (file size " + fileSize + " - 72); the archive is truncated"
                    + " or has trailing bytes (check the upload completed)");
        }
        if (fileCount > indexLength / MIN_RECORD) {
            throw corrupt(archive, base, 6, names, "file_count " + fileCount + " cannot fit in index_length "
                    + indexLength + " (each record takes at least " + MIN_RECORD + " bytes)");
        }
        return new DesFooter(fileSize, dataStart, dataLength, metaStart, metaLength, indexStart, indexLength,
                fileCount, hasCrc, crc);
    }

    private static DesCorruptException corrupt(String archive, long base, int field, String[] names, String msg) {
        return new DesCorruptException(archive, "footer." + names[field], base + 16 + 8L * field, msg);
    }

    /** Builds a footer's 72 bytes; {@code crc} is written (and flagged) only when {@code withCrc}. */
    static ByteBuffer encode(long dataStart, long dataLength, long metaStart, long metaLength, long indexStart,
                             long indexLength, long fileCount, boolean withCrc, int crc) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(FOOTER_MAGIC).put((byte) 1);
        b.put((byte) (withCrc ? 1 : 0)).put((byte) 0).put((byte) 0);
        b.putInt(withCrc ? crc : 0);
        b.putLong(dataStart).putLong(dataLength).putLong(metaStart).putLong(metaLength)
                .putLong(indexStart).putLong(indexLength).putLong(fileCount);
        b.flip();
        return b;
    }

    public long fileSize() {
        return fileSize;
    }

    public long dataStart() {
        return dataStart;
    }

    public long dataLength() {
        return dataLength;
    }

    public long metaStart() {
        return metaStart;
    }

    public long metaLength() {
        return metaLength;
    }

    public long indexStart() {
        return indexStart;
    }

    public long indexLength() {
        return indexLength;
    }

    public long fileCount() {
        return fileCount;
    }

    /** True when the footer carries Stowage's CRC-32C of META+INDEX. */
    public boolean hasCrc32c() {
        return hasCrc;
    }

    public int crc32c() {
        return crc;
    }

    /** Bytes from {@link #metaStart()} to the footer: what {@link DesIndex#parse} needs. */
    public long tailLength() {
        return metaLength + indexLength;
    }
}
