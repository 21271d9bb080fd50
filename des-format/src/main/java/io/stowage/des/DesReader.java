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
                throw new DesException(displayName + ": META+INDEX of " + footer.tailLength()
                        + " bytes is larger than this reader supports (2 GiB); split the archive");
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
            throw new DesException(name + ": entry '" + e.name() + "' is " + e.size()
                    + " bytes, too big for one buffer; use openStream or transferTo");
        }
        byte[] b = new byte[(int) e.size()];
        read(e, b, 0);
        return ByteBuffer.wrap(b).asReadOnlyBuffer();
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
            String key = options.externalKeyOf(e);
            if (store == null) {
                throw new DesException(name + ": entry '" + e.name() + "' is stored outside the archive under '"
                        + key + "'; give the external store (--external-root DIR, or"
                        + " DesReadOptions.withExternalStore)");
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
                throw new DesException(name + ": entry '" + e.name() + "' is " + e.size()
                        + " bytes, too big for one buffer; use openStream or transferTo");
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
