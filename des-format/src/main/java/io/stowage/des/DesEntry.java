package io.stowage.des;

import java.util.Collections;
import java.util.Map;

/**
 * One INDEX record of an archive, with its parsed META object.
 *
 * <p>{@code for (DesEntry e : reader.list()) System.out.println(e.name() + " " + e.size());}
 *
 * <p>Immutable and thread-safe.
 */
public final class DesEntry {
    /** Flag bit 0: the payload is stored outside the archive under {@link #externalKey()}. */
    public static final int FLAG_EXTERNAL = 1;
    /** Flag bit 1 (reserved in v1, not implemented). */
    public static final int FLAG_COMPRESSED = 2;
    /** Flag bit 2 (reserved in v1, not implemented). */
    public static final int FLAG_ENCRYPTED = 4;
    /** Flag bit 3 (reserved in v1, not implemented). */
    public static final int FLAG_DELETED = 8;

    private final String name;
    private final int indexPosition;
    private final long dataOffset;
    private final long size;
    private final long metaOffset;
    private final long metaLength;
    private final int flags;
    private final Map<String, Object> meta;
    private final String externalKey;
    private final boolean hasCrc32c;
    private final int crc32c;

    DesEntry(String name, int indexPosition, long dataOffset, long size, long metaOffset, long metaLength, int flags,
             Map<String, Object> meta, String externalKey, boolean hasCrc32c, int crc32c) {
        this.name = name;
        this.indexPosition = indexPosition;
        this.dataOffset = dataOffset;
        this.size = size;
        this.metaOffset = metaOffset;
        this.metaLength = metaLength;
        this.flags = flags;
        this.meta = Collections.unmodifiableMap(meta);
        this.externalKey = externalKey;
        this.hasCrc32c = hasCrc32c;
        this.crc32c = crc32c;
    }

    public String name() {
        return name;
    }

    /** Position of this record in the INDEX (0-based). */
    public int indexPosition() {
        return indexPosition;
    }

    /** Absolute offset of the payload in the archive; 0 for external entries. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Payload length in bytes (the full size, also for external entries). */
    public long size() {
        return size;
    }

    public long metaOffset() {
        return metaOffset;
    }

    public long metaLength() {
        return metaLength;
    }

    public int flags() {
        return flags;
    }

    /** True when the payload is stored outside the archive. */
    public boolean isExternal() {
        return (flags & FLAG_EXTERNAL) != 0;
    }

    /** True when every flag of this entry is implemented (only {@link #FLAG_EXTERNAL}). */
    public boolean isSupported() {
        return (flags & ~FLAG_EXTERNAL) == 0;
    }

    /** The stored META object, keys in stored order (includes {@code size}, and Stowage's {@code crc32c}). */
    public Map<String, Object> meta() {
        return meta;
    }

    /**
     * Key of the external object: {@code external_key} from META when present, else {@code null} (the caller derives
     * {@code {archive folder}/_bigFiles/{name}} as the reference does).
     */
    public String externalKey() {
        return externalKey;
    }

    /** True when META carries Stowage's {@code crc32c} of the payload. */
    public boolean hasCrc32c() {
        return hasCrc32c;
    }

    /** CRC-32C of the payload as stored in META; meaningful only when {@link #hasCrc32c()}. */
    public int crc32c() {
        return crc32c;
    }

    static String describeFlags(int flags) {
        StringBuilder sb = new StringBuilder();
        String[] names = {"IS_EXTERNAL", "COMPRESSED", "ENCRYPTED", "DELETED"};
        for (int i = 0; i < 32; i++) {
            if ((flags & (1 << i)) != 0) {
                if (sb.length() > 0) {
                    sb.append('|');
                }
                sb.append(i < names.length ? names[i] : "bit" + i);
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    @Override
    public String toString() {
        return "DesEntry[" + name + ", size=" + size + (isExternal() ? ", external " + externalKey
                : ", offset=" + dataOffset) + "]";
    }
}
