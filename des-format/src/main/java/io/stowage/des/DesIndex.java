package io.stowage.des;

import io.stowage.des.internal.MetaJson;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The parsed, validated INDEX and META of an archive: every entry with its offsets and META object, and a name
 * lookup. Parsing checks that every record fits, that payload and META ranges lie inside their regions without
 * overlapping and add up to the footer's lengths, that names are UTF-8 and META is a JSON object whose {@code size}
 * matches, and (when the footer carries it) the CRC-32C of META+INDEX.
 *
 * <p>Duplicate names: {@link #entries()} keeps every record in index order; {@link #find} returns the last record
 * of a name ("last wins", what the reference's dict-built index gives).
 *
 * <p>{@code DesIndex idx = DesIndex.parse("day.des", footer, metaAndIndexBytes); DesEntry e = idx.find("a.jpg");}
 *
 * <p>Immutable and thread-safe once built.
 */
public final class DesIndex {
    /** Largest META JSON accepted per entry (as the reference). */
    public static final int MAX_META_BYTES = 10 * 1024 * 1024;

    private final String archive;
    private final DesFooter footer;
    private final List<DesEntry> entries;
    private final Map<String, DesEntry> byName;

    private DesIndex(String archive, DesFooter footer, List<DesEntry> entries, Map<String, DesEntry> byName) {
        this.archive = archive;
        this.footer = footer;
        this.entries = entries;
        this.byName = byName;
    }

    /**
     * Parses META+INDEX.
     *
     * @param tail the bytes from {@code footer.metaStart()} up to the footer ({@link DesFooter#tailLength()} bytes)
     * @throws DesCorruptException (or {@link DesChecksumException}) naming the field and absolute offset
     */
    public static DesIndex parse(String archive, DesFooter footer, ByteBuffer tail) {
        ByteBuffer t = tail.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (t.remaining() != footer.tailLength()) {
            throw new IllegalArgumentException("tail must hold meta_length + index_length = " + footer.tailLength()
                    + " bytes, got " + t.remaining());
        }
        if (footer.hasCrc32c()) {
            CRC32C crc = new CRC32C();
            crc.update(t.duplicate());
            int actual = (int) crc.getValue();
            if (actual != footer.crc32c()) {
                throw new DesChecksumException(archive, "footer.crc32c", footer.fileSize() - DesFooter.SIZE + 12,
                        String.format("CRC-32C of META+INDEX is %08x but the footer says %08x; the archive was altered"
                                + " after it was written (re-upload it from its source)", actual, footer.crc32c()));
            }
        }
        final long metaStart = footer.metaStart();
        final long indexStart = footer.indexStart();
        final int metaLen = (int) footer.metaLength();
        // file_count is a claim of the footer: check it against the index bytes really given before anything is
        // sized from it, and size from what has been parsed (a record is at least MIN_RECORD bytes)
        if (footer.fileCount() > footer.indexLength() / DesFooter.MIN_RECORD || footer.indexLength() > t.remaining()) {
            throw new DesCorruptException(archive, "footer.file_count", footer.fileSize() - DesFooter.SIZE + 64,
                    "file_count " + footer.fileCount() + " cannot fit in index_length " + footer.indexLength()
                            + " (each record takes at least " + DesFooter.MIN_RECORD + " bytes)");
        }
        final int count = (int) footer.fileCount();
        int initial = Math.min(count, 1024);
        List<DesEntry> entries = new ArrayList<>(initial);
        Map<String, DesEntry> byName = new HashMap<>(Math.max(16, initial * 4 / 3 + 1));
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        long dataEnd = footer.dataStart() + footer.dataLength();
        int pos = metaLen; // index starts after META in the tail
        int end = t.limit();
        long internalSum = 0;
        long metaSum = 0;
        long[] dataRanges = new long[initial * 2];
        int dataRangeCount = 0;
        long[] metaRanges = new long[initial * 2];
        for (int i = 0; i < count; i++) {
            if (2 * i + 1 >= metaRanges.length) {   // grows with the records parsed, never ahead of them
                metaRanges = Arrays.copyOf(metaRanges, Math.max(16, metaRanges.length * 2));
            }
            if (2 * dataRangeCount + 1 >= dataRanges.length) {
                dataRanges = Arrays.copyOf(dataRanges, Math.max(16, dataRanges.length * 2));
            }
            long recAt = metaStart + pos;
            String f = "index[" + i + "]";
            if (end - pos < 2) {
                throw new DesCorruptException(archive, f + ".name_len", recAt, "index record " + i + " at offset "
                        + recAt + " is cut off: the index ends " + (end - pos) + " bytes later but file_count is "
                        + count);
            }
            int nameLen = t.getShort(pos) & 0xffff;
            if (end - pos - 2 < (long) nameLen + 36) {
                throw new DesCorruptException(archive, f + ".name_len", recAt, "index record " + i + " at offset "
                        + recAt + " declares name_len " + nameLen + " but only " + (end - pos - 2)
                        + " index bytes remain (record needs name_len + 36)");
            }
            String name;
            try {
                name = utf8.decode(t.duplicate().position(pos + 2).limit(pos + 2 + nameLen)).toString();
            } catch (CharacterCodingException e) {
                throw new DesCorruptException(archive, f + ".name", recAt + 2, "name of index record " + i
                        + " at offset " + (recAt + 2) + " is not valid UTF-8");
            }
            int fp = pos + 2 + nameLen;
            long dataOffset = t.getLong(fp);
            long dataLength = t.getLong(fp + 8);
            long metaOffset = t.getLong(fp + 16);
            long metaLength = t.getLong(fp + 24);
            int flags = t.getInt(fp + 32);
            long fieldAt = metaStart + fp;
            boolean external = (flags & DesEntry.FLAG_EXTERNAL) != 0;
            if (dataLength < 0) {
                throw new DesCorruptException(archive, f + ".data_length", fieldAt + 8, "data_length "
                        + Long.toUnsignedString(dataLength) + " of '" + EntryNames.printable(name)
                        + "' is beyond any possible size");
            }
            if (!external) {
                if (dataOffset < footer.dataStart() || dataOffset > dataEnd || dataLength > dataEnd - dataOffset) {
                    throw new DesCorruptException(archive, f + ".data_offset", fieldAt, "payload of '"
                            + EntryNames.printable(name) + "' [" + Long.toUnsignedString(dataOffset) + ", +"
                            + dataLength + ") lies outside the DATA region [" + footer.dataStart() + ", " + dataEnd
                            + ")");
                }
                internalSum += dataLength;
                dataRanges[2 * dataRangeCount] = dataOffset;
                dataRanges[2 * dataRangeCount + 1] = dataLength;
                dataRangeCount++;
            }
            if (metaOffset < metaStart || metaOffset > indexStart || metaLength < 0
                    || metaLength > indexStart - metaOffset) {
                throw new DesCorruptException(archive, f + ".meta_offset", fieldAt + 16, "META of '"
                        + EntryNames.printable(name) + "' [" + Long.toUnsignedString(metaOffset) + ", +"
                        + Long.toUnsignedString(metaLength) + ") lies outside the META region [" + metaStart + ", "
                        + indexStart + ")");
            }
            if (metaLength > MAX_META_BYTES) {
                throw new DesCorruptException(archive, f + ".meta_length", fieldAt + 24, "meta_length " + metaLength
                        + " of '" + EntryNames.printable(name) + "' exceeds the limit of " + MAX_META_BYTES + " bytes");
            }
            metaSum += metaLength;
            metaRanges[2 * i] = metaOffset;
            metaRanges[2 * i + 1] = metaLength;
            int mrel = (int) (metaOffset - metaStart);
            byte[] metaBytes = new byte[(int) metaLength];
            t.get(mrel, metaBytes);
            Map<String, Object> meta;
            try {
                meta = MetaJson.decode(metaBytes);
            } catch (MetaJson.MetaSyntaxException e) {
                throw new DesCorruptException(archive, f + ".meta", metaOffset + e.position(), "META of '"
                        + EntryNames.printable(name) + "' at offset " + metaOffset + " is not a valid JSON object: "
                        + e.getMessage());
            }
            Object size = meta.get("size");
            if (size != null && !(size instanceof Long l && l == dataLength)) {
                throw new DesCorruptException(archive, f + ".meta.size", metaOffset, "META of '"
                        + EntryNames.printable(name) + "' says size " + size + " but the index says data_length "
                        + dataLength);
            }
            boolean hasCrc = false;
            int crc = 0;
            Object crcValue = meta.get("crc32c");
            if (crcValue != null) {
                if (!(crcValue instanceof String s) || s.length() != 8 || !isLowerHex(s)) {
                    throw new DesCorruptException(archive, f + ".meta.crc32c", metaOffset, "META of '"
                            + EntryNames.printable(name) + "' has crc32c " + MetaJson.encodeValue(crcValue)
                            + ", expected 8 lower-case hex digits");
                }
                hasCrc = true;
                crc = (int) Long.parseLong(s, 16);
            }
            String externalKey = null;
            Object ek = meta.get("external_key");
            if (ek instanceof String s) {
                externalKey = s;
            } else if (ek != null) {
                throw new DesCorruptException(archive, f + ".meta.external_key", metaOffset, "META of '"
                        + EntryNames.printable(name) + "' has a non-string external_key");
            }
            DesEntry entry = new DesEntry(name, i, external ? 0 : dataOffset, dataLength, metaOffset, metaLength,
                    flags, meta, externalKey, hasCrc, crc);
            entries.add(entry);
            byName.put(name, entry);
            pos = fp + 36;
        }
        if (pos != end) {
            throw new DesCorruptException(archive, "footer.file_count", footer.fileSize() - DesFooter.SIZE + 64,
                    "file_count " + count + " records end at offset " + (metaStart + pos) + " but the index ends at "
                            + (metaStart + end) + "; counts and lengths do not add up");
        }
        if (internalSum != footer.dataLength()) {
            throw new DesCorruptException(archive, "footer.data_length", footer.fileSize() - DesFooter.SIZE + 24,
                    "payloads in the index add up to " + internalSum + " bytes but data_length is "
                            + footer.dataLength());
        }
        if (metaSum != footer.metaLength()) {
            throw new DesCorruptException(archive, "footer.meta_length", footer.fileSize() - DesFooter.SIZE + 40,
                    "META objects in the index add up to " + metaSum + " bytes but meta_length is "
                            + footer.metaLength());
        }
        checkNoOverlap(archive, "data_offset", dataRanges, dataRangeCount, entries, footer);
        checkNoOverlap(archive, "meta_offset", metaRanges, count, entries, footer);
        return new DesIndex(archive, footer, Collections.unmodifiableList(entries), byName);
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** Ranges are (offset, length) pairs; zero-length ranges never overlap anything. */
    private static void checkNoOverlap(String archive, String field, long[] ranges, int n, List<DesEntry> entries,
                                       DesFooter footer) {
        long[] starts = new long[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (ranges[2 * i + 1] > 0) {
                starts[m++] = i;
            }
        }
        Long[] order = new Long[m];
        for (int i = 0; i < m; i++) {
            order[i] = starts[i];
        }
        Arrays.sort(order, (a, b) -> Long.compare(ranges[2 * (int) (long) a], ranges[2 * (int) (long) b]));
        long prevEnd = Long.MIN_VALUE;
        for (Long o : order) {
            int i = (int) (long) o;
            long s = ranges[2 * i];
            if (s < prevEnd) {
                throw new DesCorruptException(archive, "index." + field, s, "ranges overlap at offset " + s
                        + " (" + field + "); the index is corrupt");
            }
            prevEnd = s + ranges[2 * i + 1];
        }
    }

    public String archive() {
        return archive;
    }

    public DesFooter footer() {
        return footer;
    }

    /** Every INDEX record in stored order (duplicates included). */
    public List<DesEntry> entries() {
        return entries;
    }

    /**
     * This index's record for an entry taken from {@link #entries()} (of this index, or of an earlier read of the same
     * archive): the same position, name, offset, size and flags; otherwise {@link IllegalArgumentException}.
     */
    public DesEntry record(DesEntry e) {
        int p = e.indexPosition();
        if (p >= 0 && p < entries.size()) {
            DesEntry r = entries.get(p);
            if (r == e || (r.name().equals(e.name()) && r.dataOffset() == e.dataOffset() && r.size() == e.size()
                    && r.flags() == e.flags())) {
                return r;
            }
        }
        throw new IllegalArgumentException(archive + ": entry '" + e.name() + "' (record " + p + ") is not a record"
                + " of this archive's index; take entries from list() of the same archive");
    }

    /** The entry of that name (the last record of a duplicated name), or {@code null}. */
    public DesEntry find(String name) {
        return byName.get(name);
    }

    /** The entry of that name, or {@link DesEntryNotFoundException}. */
    public DesEntry get(String name) {
        DesEntry e = byName.get(name);
        if (e == null) {
            throw new DesEntryNotFoundException(archive, name);
        }
        return e;
    }

    public int size() {
        return entries.size();
    }
}
