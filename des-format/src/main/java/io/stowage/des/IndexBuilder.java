package io.stowage.des;

import io.stowage.des.internal.MetaJson;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * META and INDEX of an archive being written, for {@link DesWriter}: each entry's META JSON and its INDEX record are
 * appended as the entry is added (small: about 100 bytes per entry), with META offsets relative to META's start until
 * {@link #indexBytes(long)} makes them absolute. Entries without user metadata get their META bytes without a map or
 * string ({@link #plainMeta}: the per-entry hot path of packing).
 *
 * <p>Not thread-safe: the writer's thread only.
 */
final class IndexBuilder {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final byte[] META_SIZE = "{\"size\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] META_CRC = ",\"crc32c\":\"".getBytes(StandardCharsets.US_ASCII);

    private final ByteArrayOutputStream meta = new ByteArrayOutputStream(64 * 1024);
    private final ByteArrayOutputStream index = new ByteArrayOutputStream(64 * 1024);
    /** Scratch for one index record: u16 name length, name, u64 offset, u64 size, u64 meta offset, u64 meta length,
     * u32 flags (grown for long names). */
    private ByteBuffer record = ByteBuffer.allocate(2 + 256 + 36).order(ByteOrder.LITTLE_ENDIAN);
    /** Scratch for {@link #plainMeta}: {"size":20 digits,"crc32c":"8 hex digits"}. */
    private final byte[] plainMetaScratch = new byte[64];
    private int count;

    /**
     * Appends an entry's META and INDEX record.
     *
     * @param userMeta the META object without {@code crc32c} ({@code size} and, for external entries, the external
     *                 fields already in it; the checksum is added here), or {@code null} for {@code {"size": size}}
     * @param withCrc  whether META gets {@code crc32c}
     * @throws DesLimitException when the META is over {@link DesIndex#MAX_META_BYTES} (nothing is appended)
     */
    void add(String name, long dataOffset, long size, int flags, Map<String, Object> userMeta, boolean withCrc,
             int crc) {
        byte[] metaBytes;
        int metaLength;
        if (userMeta == null) {
            metaBytes = plainMetaScratch;
            metaLength = plainMeta(size, withCrc, crc, metaBytes);
        } else {
            if (withCrc) {
                userMeta.put("crc32c", hex8(crc));
            }
            metaBytes = MetaJson.encode(userMeta);
            metaLength = metaBytes.length;
        }
        if (metaLength > DesIndex.MAX_META_BYTES) {
            throw new DesLimitException(null, name, "meta_length", metaLength, DesIndex.MAX_META_BYTES,
                    "META of entry '" + name + "' is " + metaLength
                    + " bytes, over the limit of " + DesIndex.MAX_META_BYTES + "; store less metadata");
        }
        long metaOffsetRel = meta.size();
        meta.write(metaBytes, 0, metaLength);
        writeIndexRecord(name, dataOffset, size, metaOffsetRel, metaLength, flags);
        count++;
    }

    /** Entries appended. */
    int count() {
        return count;
    }

    /** The META region. */
    byte[] metaBytes() {
        return meta.toByteArray();
    }

    /** The INDEX region, with META offsets made absolute for a META region starting at {@code metaStart}. */
    byte[] indexBytes(long metaStart) {
        byte[] indexBytes = index.toByteArray();
        ByteBuffer idx = ByteBuffer.wrap(indexBytes).order(ByteOrder.LITTLE_ENDIAN);
        int p = 0;
        for (int i = 0; i < count; i++) {
            int nameLen = idx.getShort(p) & 0xffff;
            int metaAt = p + 2 + nameLen + 16;
            idx.putLong(metaAt, idx.getLong(metaAt) + metaStart);
            p += 2 + nameLen + 36;
        }
        return indexBytes;
    }

    /** Appends one INDEX record; the META offset is relative to META's start until {@link #indexBytes}. */
    private void writeIndexRecord(String name, long dataOffset, long size, long metaOffsetRel, int metaLength,
                                  int flags) {
        int n = name.length();
        ByteBuffer r = record;
        if (r.capacity() < 2 + 3 * n + 36) {
            r = record = ByteBuffer.allocate(2 + 3 * n + 36).order(ByteOrder.LITTLE_ENDIAN);
        }
        byte[] a = r.array();
        int len = 0;
        for (; len < n; len++) { // ASCII names (the common case) need no encoder
            char ch = name.charAt(len);
            if (ch >= 0x80) {
                break;
            }
            a[2 + len] = (byte) ch;
        }
        if (len < n) {
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(utf8, 0, a, 2, utf8.length);
            len = utf8.length;
        }
        r.putShort(0, (short) len);
        int p = 2 + len;
        r.putLong(p, dataOffset).putLong(p + 8, size).putLong(p + 16, metaOffsetRel).putLong(p + 24, metaLength)
                .putInt(p + 32, flags);
        index.write(a, 0, p + 36);
    }

    /**
     * META of an entry without user metadata, stored inside: the bytes {@link MetaJson#encode} gives for
     * {@code {"size": size[, "crc32c": crc as 8 lower-case hex digits]}}, written into {@code out} (at least 64
     * bytes) without building a map or any string (the per-entry hot path of packing).
     *
     * @return the number of bytes written
     */
    static int plainMeta(long size, boolean withCrc, int crc, byte[] out) {
        System.arraycopy(META_SIZE, 0, out, 0, META_SIZE.length);
        int p = META_SIZE.length;
        int digits = 1;
        for (long v = size / 10; v != 0; v /= 10) {
            digits++;
        }
        long v = size;
        for (int i = p + digits - 1; i >= p; i--) {
            out[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        p += digits;
        if (withCrc) {
            System.arraycopy(META_CRC, 0, out, p, META_CRC.length);
            p += META_CRC.length;
            for (int i = 7; i >= 0; i--) {
                out[p + i] = (byte) HEX[crc & 0xf];
                crc >>>= 4;
            }
            p += 8;
            out[p++] = '"';
        }
        out[p++] = '}';
        return p;
    }

    /** 8 lower-case hex digits (String.format is measurably slow on the per-entry path). */
    static String hex8(int v) {
        char[] c = new char[8];
        for (int i = 7; i >= 0; i--) {
            c[i] = HEX[v & 0xf];
            v >>>= 4;
        }
        return new String(c);
    }
}
