package io.stowage.des;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Reads a DES v1 archive from a local file or any {@link SeekableByteChannel}: footer, then META+INDEX once, then
 * payloads by positional reads (memory-mapped for local files by default).
 *
 * <pre>{@code
 * try (DesReader r = DesReader.open(Path.of("day.des"))) {
 *     ByteBuffer jpg = r.read("cam-01.jpg");   // DesEntryNotFoundException names the archive and entry
 * }
 * }</pre>
 *
 * <p>Thread-safe: the index is immutable and reads are positional (a non-file channel is read under a lock).
 * After an exception from {@link #open} nothing is left open. A failed read leaves the reader usable.
 */
public final class DesReader implements DesArchive {
    private static final long MAP_CHUNK = 1L << 30;
    /** META+INDEX larger than this is walked record by record from the file before it is allocated whole. */
    static final long PRECHECK_ABOVE = 16L << 20;
    /** The walk's window: a record (at most 65,535 name bytes + 38) always fits. */
    private static final int PRECHECK_WINDOW = 1 << 20;

    private final String name;
    private final SeekableByteChannel channel;
    private final FileChannel fileChannel;
    private final DesIndex index;
    private final DesReadOptions options;
    private final MappedByteBuffer[] maps;
    private final long dataStart;

    private DesReader(String name, SeekableByteChannel channel, DesIndex index, DesReadOptions options,
                      MappedByteBuffer[] maps) {
        this.name = name;
        this.channel = channel;
        this.fileChannel = channel instanceof FileChannel fc ? fc : null;
        this.index = index;
        this.options = options;
        this.maps = maps;
        this.dataStart = index.footer().dataStart();
    }

    /** Opens a local archive with {@link DesReadOptions#defaults()}. */
    public static DesReader open(Path path) {
        return open(path, DesReadOptions.defaults());
    }

    /** Opens a local archive. */
    public static DesReader open(Path path, DesReadOptions options) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new DesIoException(path.toString(), path + ": no such archive", e);
        } catch (IOException e) {
            throw new DesIoException(path.toString(), path + ": cannot open archive", e);
        }
        return open(ch, path.toString(), options);
    }

    /**
     * Opens an archive over a channel; the reader owns the channel and closes it (also when opening fails).
     *
     * @param displayName how messages name the archive
     */
    public static DesReader open(SeekableByteChannel channel, String displayName, DesReadOptions options) {
        boolean ok = false;
        try {
            long size = channel.size();
            if (size >= DesFooter.HEADER_SIZE) {
                ByteBuffer header = ByteBuffer.allocate(DesFooter.HEADER_SIZE);
                readFully(channel, displayName, header, 0, "header");
                DesFooter.checkHeader(displayName, header.flip());
            }
            if (size < DesFooter.MIN_ARCHIVE_SIZE) {
                DesFooter.parse(displayName, size, ByteBuffer.allocate(DesFooter.SIZE)); // throws with the message
            }
            ByteBuffer fb = ByteBuffer.allocate(DesFooter.SIZE);
            readFully(channel, displayName, fb, size - DesFooter.SIZE, "footer");
            DesFooter footer = DesFooter.parse(displayName, size, fb.flip());
            if (footer.tailLength() > Integer.MAX_VALUE - 8) {
                throw new DesLimitException(displayName, null, "tail_length", footer.tailLength(),
                        Integer.MAX_VALUE - 8, displayName + ": META+INDEX of " + footer.tailLength() + " bytes is larger than this reader supports (2 GiB); split the archive");
            }
            if (footer.tailLength() > PRECHECK_ABOVE) {
                precheckIndex(channel, displayName, footer);
            }
            ByteBuffer tail = ByteBuffer.allocate((int) footer.tailLength()).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, displayName, tail, footer.metaStart(), "META+INDEX");
            DesIndex index = DesIndex.parse(displayName, footer, tail.flip());
            MappedByteBuffer[] maps = null;
            if (options.memoryMap() && channel instanceof FileChannel fc && footer.dataLength() > 0) {
                int n = (int) ((footer.dataLength() + MAP_CHUNK - 1) / MAP_CHUNK);
                maps = new MappedByteBuffer[n];
                for (int i = 0; i < n; i++) {
                    long start = footer.dataStart() + i * MAP_CHUNK;
                    long len = Math.min(MAP_CHUNK, footer.dataLength() - i * MAP_CHUNK);
                    maps[i] = fc.map(FileChannel.MapMode.READ_ONLY, start, len);
                }
            }
            DesReader r = new DesReader(displayName, channel, index, options, maps);
            ok = true;
            return r;
        } catch (IOException e) {
            throw new DesIoException(displayName, displayName + ": cannot read archive", e);
        } finally {
            if (!ok) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    /**
     * Walks the INDEX records straight from the channel through a 1 MiB window, checking each record's framing and
     * that its payload and META lie in their regions, before META+INDEX is allocated whole: a footer that claims a
     * huge index over bytes that hold none (a sparse file of zeros, a crafted footer) fails here, at the first bad
     * record, instead of allocating what the footer claims. {@link DesIndex#parse} checks everything again.
     */
    private static void precheckIndex(SeekableByteChannel ch, String archive, DesFooter f) throws IOException {
        ByteBuffer win = ByteBuffer.allocate(PRECHECK_WINDOW).order(ByteOrder.LITTLE_ENDIAN);
        long winStart = -1;
        long pos = f.indexStart();
        long end = f.indexStart() + f.indexLength();
        long dataEnd = f.dataStart() + f.dataLength();
        for (long i = 0; i < f.fileCount(); i++) {
            String field = "index[" + i + "]";
            if (end - pos < 2) {
                throw new DesCorruptException(archive, field + ".name_len", pos, "index record " + i + " at offset "
                        + pos + " is cut off: the index ends there but file_count is " + f.fileCount());
            }
            if (winStart < 0 || pos + 2 > winStart + win.limit()) {
                winStart = fill(ch, archive, win, pos, end);
            }
            int nameLen = win.getShort((int) (pos - winStart)) & 0xffff;
            long recordEnd = pos + 2 + nameLen + 36;
            if (recordEnd > end) {
                throw new DesCorruptException(archive, field + ".name_len", pos, "index record " + i + " at offset "
                        + pos + " declares name_len " + nameLen + " but the index ends at offset " + end);
            }
            if (recordEnd > winStart + win.limit()) {
                winStart = fill(ch, archive, win, pos, end);
            }
            int fp = (int) (pos - winStart) + 2 + nameLen;
            long dataOffset = win.getLong(fp);
            long dataLength = win.getLong(fp + 8);
            long metaOffset = win.getLong(fp + 16);
            long metaLength = win.getLong(fp + 24);
            boolean external = (win.getInt(fp + 32) & DesEntry.FLAG_EXTERNAL) != 0;
            long fieldAt = pos + 2 + nameLen;
            if (dataLength < 0 || (!external && (dataOffset < f.dataStart() || dataOffset > dataEnd
                    || dataLength > dataEnd - dataOffset))) {
                throw new DesCorruptException(archive, field + ".data_offset", fieldAt, "payload of index record "
                        + i + " [" + Long.toUnsignedString(dataOffset) + ", +" + Long.toUnsignedString(dataLength)
                        + ") lies outside the DATA region [" + f.dataStart() + ", " + dataEnd + ")");
            }
            if (metaOffset < f.metaStart() || metaOffset > f.indexStart() || metaLength < 0
                    || metaLength > f.indexStart() - metaOffset) {
                throw new DesCorruptException(archive, field + ".meta_offset", fieldAt + 16, "META of index record "
                        + i + " [" + Long.toUnsignedString(metaOffset) + ", +" + Long.toUnsignedString(metaLength)
                        + ") lies outside the META region [" + f.metaStart() + ", " + f.indexStart() + ")");
            }
            pos = recordEnd;
        }
    }

    /** Reads up to the window's capacity from {@code pos} (not past {@code end}); returns {@code pos}. */
    private static long fill(SeekableByteChannel ch, String archive, ByteBuffer win, long pos, long end)
            throws IOException {
        win.clear().limit((int) Math.min(win.capacity(), end - pos));
        readFully(ch, archive, win, pos, "INDEX");
        win.flip();
        return pos;
    }

    private static void readFully(SeekableByteChannel ch, String archive, ByteBuffer dst, long position, String what)
            throws IOException {
        long pos = position;
        if (ch instanceof FileChannel fc) {
            while (dst.hasRemaining()) {
                int n = fc.read(dst, pos);
                if (n < 0) {
                    throw new DesCorruptException(archive, what, pos, what + " ends at offset " + pos
                            + ": the file is shorter than its index says (truncated while open?)");
                }
                pos += n;
            }
        } else {
            synchronized (ch) {
                ch.position(pos);
                while (dst.hasRemaining()) {
                    int n = ch.read(dst);
                    if (n < 0) {
                        throw new DesCorruptException(archive, what, ch.position(), what + " ends early at offset "
                                + ch.position() + ": the archive is truncated");
                    }
                }
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DesIndex index() {
        return index;
    }

    /** The options this reader was opened with. */
    public DesReadOptions options() {
        return options;
    }

    private DesEntry readable(String entryName) {
        DesEntry e = index.get(entryName);
        if (!e.isSupported()) {
            throw new DesUnsupportedException(name, e.name(), e.flags());
        }
        return e;
    }

    @Override
    public ByteBuffer read(String entryName) {
        DesEntry e = readable(entryName);
        if (e.size() > Integer.MAX_VALUE - 8) {
            throw new DesLimitException(name, e.name(), "size", e.size(), Integer.MAX_VALUE - 8,
                    name + ": entry '" + e.name() + "' is " + e.size() + " bytes, too big for one buffer; use openStream or transferTo");
        }
        if (e.isExternal()) {   // its size is only a claim of the index: allocate as the bytes arrive
            return ByteBuffer.wrap(readExternal(e)).asReadOnlyBuffer();
        }
        byte[] b = new byte[(int) e.size()];
        read(e, b, 0);
        return ByteBuffer.wrap(b).asReadOnlyBuffer();
    }

    private byte[] readExternal(DesEntry e) {
        try (InputStream in = openRecord(e)) {
            byte[] b = in.readNBytes((int) e.size());   // grows with what is read, never sized from the claim
            if (b.length != e.size() || in.read() != -1) { // the read past the end runs the stream's final check
                throw new DesCorruptException(name, "external", -1, "external object of '" + e.name()
                        + "' has the wrong length");
            }
            return b;
        } catch (IOException ex) {
            throw new DesIoException(name, name + ": cannot read external entry '" + e.name() + "'", ex);
        }
    }

    @Override
    public int read(String entryName, byte[] dst, int offset) {
        return read(readable(entryName), dst, offset);
    }

    private int read(DesEntry e, byte[] dst, int offset) {
        long size = e.size();
        if (offset < 0 || size > dst.length - offset) {
            throw new IndexOutOfBoundsException("entry '" + e.name() + "' of " + size + " bytes does not fit in "
                    + (dst.length - offset) + " bytes at offset " + offset);
        }
        int n = (int) size;
        if (e.isExternal()) {
            try (InputStream in = openRecord(e)) {
                int got = in.readNBytes(dst, offset, n);
                if (got != n || in.read() != -1) { // the read past the end runs the verifying stream's final check
                    throw new DesCorruptException(name, "external", -1, "external object of '" + e.name()
                            + "' has the wrong length");
                }
            } catch (IOException ex) {
                throw new DesIoException(name, name + ": cannot read external entry '" + e.name() + "'", ex);
            }
            return n;
        }
        copyInternal(e.dataOffset(), dst, offset, n);
        DesPayloads.checkCrc(name, e, dst, offset, n, options.verifyChecksums());
        return n;
    }

    /** Copies [pos, pos+n) of the file into dst; pos lies inside DATA (validated by the index). */
    private void copyInternal(long pos, byte[] dst, int offset, int n) {
        if (n == 0) {
            return;
        }
        if (maps != null) {
            long rel = pos - dataStart;
            int chunk = (int) (rel / MAP_CHUNK);
            long inChunk = rel - chunk * MAP_CHUNK;
            if (inChunk + n <= maps[chunk].capacity()) {
                maps[chunk].get((int) inChunk, dst, offset, n);
                return;
            }
        }
        try {
            readFully(channel, name, ByteBuffer.wrap(dst, offset, n), pos, "payload");
        } catch (IOException ex) {
            throw new DesIoException(name, name + ": cannot read payload at offset " + pos, ex);
        }
    }

    @Override
    public InputStream openStream(String entryName) {
        return openRecord(readable(entryName));
    }

    /**
     * Checks a payload inside the archive with a first pass over its (mapped) bytes, then streams it; external
     * entries are spooled ({@link DesArchive#openVerified}).
     */
    @Override
    public InputStream openVerified(String entryName) {
        DesEntry e = readable(entryName);
        if (e.isExternal()) {
            InputStream in = openRecord(e);
            return options.verifyChecksums() && e.hasCrc32c() ? DesPayloads.spooled(in, name, e, e.size()) : in;
        }
        if (options.verifyChecksums() && e.hasCrc32c()) {
            checkFirst(e);
        }
        return openRecord(e);
    }

    /** The CRC-32C of an inside payload, computed over the mapped bytes (or read in 1 MiB chunks), compared. */
    private void checkFirst(DesEntry e) {
        CRC32C crc = new CRC32C();
        long pos = e.dataOffset();
        long left = e.size();
        byte[] buf = null;
        while (left > 0) {
            long rel = pos - dataStart;
            int chunk = (int) (rel / MAP_CHUNK);
            int n;
            if (maps != null && chunk < maps.length) {
                int in = (int) (rel - chunk * MAP_CHUNK);
                n = (int) Math.min(left, maps[chunk].capacity() - in);
                crc.update(maps[chunk].duplicate().position(in).limit(in + n));
            } else {
                if (buf == null) {
                    buf = new byte[(int) Math.min(left, 1 << 20)];
                }
                n = (int) Math.min(left, buf.length);
                copyInternal(pos, buf, 0, n);
                crc.update(buf, 0, n);
            }
            pos += n;
            left -= n;
        }
        int actual = (int) crc.getValue();
        if (actual != e.crc32c()) {
            throw DesPayloads.mismatch(name, e, "payload at offset " + e.dataOffset(), actual);
        }
    }

    @Override
    public InputStream openStream(DesEntry entry) {
        DesEntry e = index.record(entry);
        if (!e.isSupported()) {
            throw new DesUnsupportedException(name, e.name(), e.flags());
        }
        return openRecord(e);
    }

    private InputStream openRecord(DesEntry e) {
        if (e.isExternal()) {
            ExternalStore store = options.externalStore();
            String key = DesPayloads.checkExternalKey(name, e, options.externalKeyOf(e));
            if (store == null) {
                throw new DesExternalStoreMissingException(name, e.name(), key);
            }
            try {
                return new VerifyingInputStream(store.open(key), name, e, "external object " + key + " in "
                        + store.describe(), options.verifyChecksums());
            } catch (NoSuchFileException ex) {
                throw new DesIoException(name, name + ": external object '" + key + "' of entry '" + e.name()
                        + "' is missing from " + store.describe(), ex);
            } catch (IOException ex) {
                throw new DesIoException(name, name + ": cannot open external object '" + key + "'", ex);
            }
        }
        return new VerifyingInputStream(new RangeStream(e.dataOffset(), e.size()), name, e,
                "payload at offset " + e.dataOffset(), options.verifyChecksums());
    }

    /** Reads [start, start+length) of the archive in chunks. */
    private final class RangeStream extends InputStream {
        private long pos;
        private final long end;

        RangeStream(long start, long length) {
            this.pos = start;
            this.end = start + length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= end) {
                return -1;
            }
            int n = (int) Math.min(len, end - pos);
            copyInternal(pos, b, off, n);
            pos += n;
            return n;
        }
    }

    @Override
    public Map<String, ByteBuffer> readAll(Collection<String> names) {
        List<DesEntry> internal = new ArrayList<>();
        Map<String, ByteBuffer> got = new HashMap<>();
        for (String n : names) {
            DesEntry e = readable(n);
            if (e.isExternal()) {
                got.put(n, read(n));
            } else {
                internal.add(e);
            }
        }
        for (DesReadPlan.Read r : DesReadPlan.plan(internal, options.mergeGap(), options.maxMergedRead())) {
            if (r.length() > Integer.MAX_VALUE - 8) {   // one entry larger than maxMergedRead and 2 GiB
                DesEntry e = r.entries().get(0);
                throw new DesLimitException(name, e.name(), "size", e.size(), Integer.MAX_VALUE - 8,
                        name + ": entry '" + e.name() + "' is " + e.size() + " bytes, too big for one buffer; use openStream or transferTo");
            }
            byte[] block = new byte[(int) r.length()];
            copyInternal(r.start(), block, 0, block.length);
            for (DesEntry e : r.entries()) {
                int rel = r.offsetOf(e);
                DesPayloads.checkCrc(name, e, block, rel, (int) e.size(), options.verifyChecksums());
                got.put(e.name(), ByteBuffer.wrap(block, rel, (int) e.size()).slice().asReadOnlyBuffer());
            }
        }
        Map<String, ByteBuffer> result = new LinkedHashMap<>();
        for (String n : names) {
            result.put(n, got.get(n).duplicate());
        }
        return result;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new DesIoException(name, name + ": cannot close archive", e);
        }
    }
}
