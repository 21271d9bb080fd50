package io.stowage.des;

import io.stowage.des.internal.MetaJson;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Streams entries into a DES v1 archive. Payloads go straight to the {@link DesSink} (never whole in memory, except
 * {@code byte[]}/{@code ByteBuffer} the caller already holds); META and INDEX are kept (small) and written by
 * {@link #finish()}, which commits the sink atomically. {@link #close()} without {@code finish()}, or any exception,
 * leaves nothing under the final name and deletes the external objects this writer stored.
 *
 * <pre>{@code
 * try (DesWriter w = DesWriter.builder(Path.of("day.des"))
 *         .externalThreshold(100L << 20)
 *         .externalStore(ExternalStore.directory(Path.of("big")), "2025-01-15/shard_07")
 *         .build()) {
 *     w.add("cam-01.jpg", Path.of("cam-01.jpg"), Map.of("source", "cam-01"));
 *     w.finish();                              // atomic: nothing under day.des before this returns
 * }
 * }</pre>
 *
 * <p>By default the writer adds Stowage's checksums (a {@code crc32c} per entry in META and the footer CRC-32C of
 * META+INDEX, DES-V1.md); the reference reader ignores them. {@link Builder#checksums(boolean) checksums(false)}
 * writes exactly what the reference writer writes.
 *
 * <p>Not thread-safe: add entries from one thread (or synchronize externally).
 */
public final class DesWriter implements AutoCloseable {
    private static final int BUFFER = 1 << 20;

    private final DesSink sink;
    private final boolean checksums;
    private final long externalThreshold;
    private final ExternalStore externalStore;
    private final String externalPrefix;
    private final boolean allowDuplicateNames;

    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    private final ByteArrayOutputStream meta = new ByteArrayOutputStream(64 * 1024);
    private final ByteArrayOutputStream index = new ByteArrayOutputStream(64 * 1024);
    private final Set<String> names = new HashSet<>();
    private final List<String> storedExternalKeys = new ArrayList<>();
    private final CRC32C crc = new CRC32C();
    private long position;
    /** Read-ahead bytes counted in {@link #position} but still in their batch buffer (see writeUnwritten). */
    private int unwritten;
    private long dataBytes;
    private long externalBytes;
    private int count;
    private int externalCount;
    private boolean finished;
    private boolean closed;
    private Throwable failure;

    private DesWriter(Builder b, DesSink sink) {
        this.sink = sink;
        this.checksums = b.checksums;
        this.externalThreshold = b.externalThreshold;
        this.externalStore = b.externalStore;
        this.externalPrefix = b.externalPrefix;
        this.allowDuplicateNames = b.allowDuplicateNames;
    }

    /** A writer to a local file (fails at {@link Builder#build()} if it exists, unless {@code overwrite(true)}). */
    public static Builder builder(Path target) {
        return new Builder(target, null);
    }

    /** A writer to any sink (des-s3: S3 multipart). */
    public static Builder builder(DesSink sink) {
        return new Builder(null, Objects.requireNonNull(sink, "sink"));
    }

    /** Configures a writer; not thread-safe, build once. */
    public static final class Builder {
        private final Path target;
        private final DesSink sink;
        private boolean checksums = true;
        private long externalThreshold = 100L << 20;
        private ExternalStore externalStore;
        private String externalPrefix = "";
        private boolean allowDuplicateNames;
        private boolean overwrite;

        private Builder(Path target, DesSink sink) {
            this.target = target;
            this.sink = sink;
        }

        /** Write Stowage's checksums (default true); false writes exactly what the reference writes. */
        public Builder checksums(boolean v) {
            this.checksums = v;
            return this;
        }

        /** Payloads of at least this many bytes go to the external store, when one is set (default 100 MiB). */
        public Builder externalThreshold(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("external threshold " + bytes + " must be >= 0 bytes");
            }
            this.externalThreshold = bytes;
            return this;
        }

        /**
         * Stores big payloads in {@code store} under {@code {prefix}/_bigFiles/{name}} (the prefix is usually the
         * archive's folder in its bucket; empty for {@code _bigFiles/{name}}). Without a store every payload is
         * stored inside the archive.
         */
        public Builder externalStore(ExternalStore store, String prefix) {
            this.externalStore = Objects.requireNonNull(store, "store");
            String p = prefix == null ? "" : prefix;
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            this.externalPrefix = p;
            return this;
        }

        /**
         * Accept the same name twice (default false: {@link DesNameException}). Readers return the last one; only
         * for rewriting archives that already hold duplicates.
         */
        public Builder allowDuplicateNames(boolean v) {
            this.allowDuplicateNames = v;
            return this;
        }

        /** Replace an existing file at the target path on {@link #finish()} (default false). */
        public Builder overwrite(boolean v) {
            this.overwrite = v;
            return this;
        }

        /** Opens the sink and writes the header. */
        public DesWriter build() {
            DesSink s = sink;
            if (s == null) {
                try {
                    s = DesSink.file(target, overwrite);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    throw new DesException(target + " already exists; choose another name or overwrite it (--force)");
                } catch (IOException e) {
                    throw new DesIoException("cannot create " + target, e);
                }
            }
            DesWriter w = new DesWriter(this, s);
            w.writeHeader();
            return w;
        }
    }

    private void writeHeader() {
        buf.put(DesFooter.HEADER_MAGIC).put((byte) 1).put(new byte[7]);
        position = DesFooter.HEADER_SIZE;
    }

    /** Adds an entry from bytes in memory. */
    public DesWriter add(String name, byte[] data, Map<String, ?> userMeta) {
        return add(name, ByteBuffer.wrap(data), userMeta);
    }

    /** Adds an entry from a buffer (position to limit; the buffer is not modified). */
    public DesWriter add(String name, ByteBuffer data, Map<String, ?> userMeta) {
        ByteBuffer d = data.duplicate();
        long size = d.remaining();
        return addEntry(name, size, userMeta, new Source() {
            @Override
            public long copyInto(DesWriter w, CRC32C c) throws IOException {
                w.putBytes(d, c);
                return size;
            }

            @Override
            public InputStream stream() {
                return new java.io.ByteArrayInputStream(toArray(d.duplicate()));
            }
        });
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    /**
     * Adds an entry of exactly {@code length} bytes read from {@code in} (streamed, never held whole). A stream
     * that ends early or has more bytes fails the entry (and the writer).
     */
    public DesWriter add(String name, InputStream in, long length, Map<String, ?> userMeta) {
        if (length < 0) {
            throw new IllegalArgumentException("length " + length + " of '" + name + "' must be >= 0");
        }
        return addEntry(name, length, userMeta, new Source() {
            @Override
            public long copyInto(DesWriter w, CRC32C c) throws IOException {
                return w.putChannel(Channels.newChannel(in), length, c, name);
            }

            @Override
            public InputStream stream() {
                return in;
            }
        });
    }

    /**
     * Adds a file's bytes (streamed). A file whose size changes while it is read fails with a message saying so;
     * nothing half-written is ever committed.
     */
    public DesWriter add(String name, Path file, Map<String, ?> userMeta) {
        FileChannel fc;
        long size;
        try {
            fc = FileChannel.open(file, StandardOpenOption.READ);
            size = fc.size();
        } catch (IOException e) {
            throw new DesIoException("cannot read " + file + " for entry '" + name + "'", e);
        }
        try (FileChannel ch = fc) {
            return addEntry(name, size, userMeta, new Source() {
                @Override
                public long copyInto(DesWriter w, CRC32C c) throws IOException {
                    return w.putChannel(ch, size, c, file.toString());
                }

                @Override
                public InputStream stream() {
                    return Channels.newInputStream(ch);
                }
            });
        } catch (IOException e) {
            throw new DesIoException("cannot close " + file, e);
        }
    }

    /** Files up to this size are read ahead whole by {@link #addFiles}; larger ones stream in order. */
    static final int READ_AHEAD_MAX_FILE = 256 << 10;
    /** Files per read-ahead batch: one hand-over between a reader thread and the writer per batch, not per file. */
    static final int BATCH_FILES = 32;
    /** Initial capacity of a pooled batch buffer (grows when a batch holds more). */
    private static final int BATCH_BUFFER = 1 << 20;

    /**
     * Adds many files, in the map's order, reading small files ahead on {@code readers} threads while the archive
     * is written (opening and reading many small files is the cost of packing; this overlaps it with writing).
     * Readers take consecutive batches of {@value #BATCH_FILES} files, read them back to back into one pooled buffer
     * and compute their CRC-32C, so the writer only copies bytes and records entries. Files over 256 KiB, and files
     * that go to the external store, stream in order as {@link #add(String, Path, Map)} does. The result is identical
     * to adding the files one by one. A failure stops at the first failing file and, unlike a refused name in
     * {@code add}, fails the writer (some files were added, others not): nothing is committed.
     *
     * @param files   entry name → file
     * @param metaFor user META per entry name (may return {@code null}); {@code null} for none
     * @param readers reader threads, at least 1
     */
    public DesWriter addFiles(Map<String, Path> files, java.util.function.Function<String, Map<String, ?>> metaFor,
                              int readers) {
        return addFiles(files, metaFor, readers, null);
    }

    /**
     * {@link #addFiles(Map, java.util.function.Function, int)}, calling {@code onAdded} with each entry's size once it
     * is in the archive (for progress; called on the caller's thread).
     */
    public DesWriter addFiles(Map<String, Path> files, java.util.function.Function<String, Map<String, ?>> metaFor,
                              int readers, java.util.function.LongConsumer onAdded) {
        return addFiles(files.entrySet().iterator(), metaFor, readers, onAdded);
    }

    /**
     * {@link #addFiles(Map, java.util.function.Function, int, java.util.function.LongConsumer)} over entries (name →
     * file) that may still be being found, for example by a directory walk running in another thread: the iterator
     * is advanced on the caller's thread, a few batches ahead of the writing. An exception from the iterator fails
     * the writer like any other (nothing is committed) and propagates.
     */
    public DesWriter addFiles(java.util.Iterator<? extends Map.Entry<String, Path>> files,
                              java.util.function.Function<String, Map<String, ?>> metaFor, int readers,
                              java.util.function.LongConsumer onAdded) {
        if (readers < 1) {
            throw new IllegalArgumentException("readers " + readers + " must be at least 1");
        }
        checkOpen();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(readers, r -> {
            Thread t = new Thread(r, "des-read-ahead");
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.ConcurrentLinkedQueue<ByteBuffer> buffers = new java.util.concurrent.ConcurrentLinkedQueue<>();
        long deferAt = externalStore != null ? Math.min(externalThreshold, READ_AHEAD_MAX_FILE + 1L)
                : READ_AHEAD_MAX_FILE + 1L;
        boolean crcs = checksums;
        try {
            java.util.ArrayDeque<java.util.concurrent.Future<Batch>> window = new java.util.ArrayDeque<>();
            int maxWindow = 2 * readers + 2;
            while (true) {
                while (window.size() < maxWindow && files.hasNext()) {
                    List<Map.Entry<String, Path>> part = new ArrayList<>(BATCH_FILES);
                    while (part.size() < BATCH_FILES && files.hasNext()) {
                        part.add(files.next());
                    }
                    window.add(pool.submit(() -> Batch.read(part, deferAt, crcs, buffers)));
                }
                java.util.concurrent.Future<Batch> next = window.poll();
                if (next == null) {
                    break;
                }
                Batch b;
                try {
                    b = next.get();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new DesException("interrupted while adding files to " + sink.describe(), ex);
                } catch (java.util.concurrent.ExecutionException ex) {
                    Throwable c = ex.getCause();
                    throw c instanceof RuntimeException re ? re : new DesException("cannot read files: " + c, c);
                }
                try {
                    addBatch(b, metaFor, onAdded);
                } finally {
                    b.data.clear();
                    buffers.add(b.data);
                }
            }
        } catch (RuntimeException e) {
            // from the iterator, a reader or a file of a batch: the caller cannot tell which files went in, so
            // nothing may be committed now
            if (failure == null) {
                failure = e;
            }
            throw e;
        } finally {
            pool.shutdownNow();
        }
        return this;
    }

    private void addBatch(Batch b, java.util.function.Function<String, Map<String, ?>> metaFor,
                          java.util.function.LongConsumer onAdded) {
        ByteBuffer data = b.data.flip();
        for (int i = 0; i < b.files.size(); i++) {
            Map.Entry<String, Path> e = b.files.get(i);
            String name = e.getKey();
            if (i == b.failedAt) {
                throw new DesIoException("cannot read " + e.getValue() + " for entry '" + name + "'", b.failure);
            }
            Map<String, ?> meta = metaFor == null ? null : metaFor.apply(name);
            long before = dataBytes + externalBytes;
            if (b.sizes[i] < 0) {
                writeUnwritten(data); // the read-ahead entries before this one come first
                add(name, e.getValue(), meta);
            } else {
                ReadAheadSource src = readAhead;
                src.data = data;
                src.size = (int) b.sizes[i];
                src.crc = b.crcs == null ? -1 : b.crcs[i] & 0xffffffffL;
                addEntry(name, src.size, meta, src);
            }
            if (onAdded != null) {
                onAdded.accept(dataBytes + externalBytes - before);
            }
        }
        writeUnwritten(data);
    }

    /** Runs of read-ahead bytes at least this long skip the writer's buffer (one copy less). */
    private static final int WRITE_THROUGH = 16 << 10;

    /**
     * Writes the read-ahead bytes that entries have claimed ({@link #unwritten}, ending at {@code data}'s position):
     * a batch's files lie back to back in its buffer as they will in the archive, so the whole run goes to the sink
     * in one write instead of being copied through the writer's buffer file by file.
     */
    private void writeUnwritten(ByteBuffer data) {
        if (unwritten == 0) {
            return;
        }
        ByteBuffer run = data.duplicate();
        run.limit(data.position()).position(data.position() - unwritten);
        unwritten = 0;
        try {
            if (run.remaining() < WRITE_THROUGH && run.remaining() <= buf.remaining()) {
                buf.put(run);
                return;
            }
            flush();
            while (run.hasRemaining()) {
                sink.write(run);
            }
        } catch (IOException ex) {
            failure = ex;
            throw new DesIoException("cannot write to " + sink.describe(), ex);
        }
    }

    /** Consecutive files read back to back into one buffer by a reader thread. */
    private static final class Batch {
        /** Options of every open (the varargs open builds a HashSet per call). */
        private static final Set<StandardOpenOption> READ = Set.of(StandardOpenOption.READ);

        final List<Map.Entry<String, Path>> files;
        /** Bytes read per file, or -1: stream it on the writer's thread (big, or external). */
        final long[] sizes;
        final int[] crcs;
        ByteBuffer data;
        int failedAt = -1;
        IOException failure;

        private Batch(List<Map.Entry<String, Path>> files, boolean crcs) {
            this.files = files;
            this.sizes = new long[files.size()];
            this.crcs = crcs ? new int[files.size()] : null;
        }

        static Batch read(List<Map.Entry<String, Path>> files, long deferAt, boolean checksums,
                          java.util.Queue<ByteBuffer> buffers) {
            Batch b = new Batch(files, checksums);
            ByteBuffer buf = buffers.poll();
            b.data = buf != null ? buf : ByteBuffer.allocateDirect(BATCH_BUFFER);
            CRC32C crc = checksums ? new CRC32C() : null;
            for (int i = 0; i < files.size(); i++) {
                Path p = files.get(i).getValue();
                try (FileChannel ch = FileChannel.open(p, READ)) {
                    long size = ch.size();
                    if (size >= deferAt) {
                        b.sizes[i] = -1;
                        continue;
                    }
                    // room for one byte more than the size: getting it means the file grew
                    if (b.data.remaining() < size + 1) {
                        ByteBuffer bigger = ByteBuffer.allocateDirect(
                                (int) Math.max(2L * b.data.capacity(), b.data.position() + size + 1));
                        b.data.flip();
                        bigger.put(b.data);
                        b.data = bigger;
                    }
                    int start = b.data.position();
                    ByteBuffer view = b.data.duplicate();
                    view.limit(start + (int) size + 1);
                    while (view.hasRemaining()) {
                        int want = view.remaining();
                        int n = ch.read(view);
                        if (n < want) {
                            break; // a short read from a file is its end
                        }
                    }
                    int got = view.position() - start;
                    if (got != size) {
                        throw new IOException(p + " has " + (got > size ? "more than " + size : got)
                                + " bytes but " + size + " when it was opened: it changed during packing; pack it"
                                + " again once it is complete");
                    }
                    if (crc != null) {
                        crc.reset();
                        view.flip().position(start);
                        crc.update(view);
                        b.crcs[i] = (int) crc.getValue();
                    }
                    b.data.position(start + (int) size);
                    b.sizes[i] = size;
                } catch (IOException e) {
                    b.failedAt = i;
                    b.failure = e;
                    break;
                }
            }
            return b;
        }
    }

    private interface Source {
        long copyInto(DesWriter w, CRC32C crc) throws IOException;

        InputStream stream() throws IOException;

        /**
         * The payload's CRC-32C (0 to 2^32 - 1) when the source computed it already (then {@link #copyInto} skips
         * it), else -1.
         */
        default long crc32c() {
            return -1;
        }
    }

    /**
     * The source of every read-ahead entry: the next {@code size} bytes of a batch buffer, checksummed by the reader.
     * One instance per writer, refilled per entry (this is the per-file path of packing many small files).
     */
    private static final class ReadAheadSource implements Source {
        ByteBuffer data;
        int size;
        long crc = -1;

        /** Claims the bytes (the reader computed the checksum); the batch writes them in one go (writeUnwritten). */
        @Override
        public long copyInto(DesWriter w, CRC32C c) {
            data.position(data.position() + size);
            w.position += size;
            w.unwritten += size;
            return size;
        }

        @Override
        public InputStream stream() {
            throw new IllegalStateException("read-ahead entries are never external");
        }

        @Override
        public long crc32c() {
            return crc;
        }
    }

    private final ReadAheadSource readAhead = new ReadAheadSource();

    private DesWriter addEntry(String name, long size, Map<String, ?> userMeta, Source source) {
        checkOpen();
        EntryNames.check(name);
        if (!names.add(name) && !allowDuplicateNames) {
            throw new DesNameException(name, "entry name '" + name + "' was already added to " + sink.describe()
                    + "; names must be unique within an archive");
        }
        boolean external = externalStore != null && size >= externalThreshold;
        // entries without user META stored inside get their META bytes without a map (the packing hot path)
        Map<String, Object> m = (userMeta == null || userMeta.isEmpty()) && !external ? null
                : new LinkedHashMap<>(userMeta == null ? Map.of() : userMeta);
        if (m != null) {
            m.put("size", size);
        }
        try {
            long dataOffset;
            int flags = 0;
            CRC32C c = checksums ? crc : null;
            if (c != null) {
                c.reset();
            }
            if (external) {
                String key = (externalPrefix.isEmpty() ? "" : externalPrefix + "/") + "_bigFiles/" + name;
                storedExternalKeys.add(key);
                CountingCrcStream s = new CountingCrcStream(source.stream(), c);
                externalStore.put(key, s, size);
                if (s.count != size) {
                    throw new DesException("entry '" + name + "' delivered " + s.count + " bytes, expected " + size
                            + "; the source changed while packing");
                }
                dataOffset = 0;
                flags = DesEntry.FLAG_EXTERNAL;
                m.put("is_external", Boolean.TRUE);
                m.put("external_key", key);
                externalBytes += size;
                externalCount++;
            } else {
                dataOffset = position;
                long copied = source.copyInto(this, c);
                if (copied != size) {
                    throw new DesException("entry '" + name + "' delivered " + copied + " bytes, expected " + size
                            + "; the source changed while packing");
                }
                dataBytes += size;
            }
            int crcValue = 0;
            if (c != null) {
                long known = source.crc32c();
                crcValue = known >= 0 ? (int) known : (int) c.getValue();
            }
            byte[] metaBytes;
            int metaLength;
            if (m == null) {
                metaBytes = plainMetaScratch;
                metaLength = plainMeta(size, c != null, crcValue, metaBytes);
            } else {
                if (c != null) {
                    m.put("crc32c", hex8(crcValue));
                }
                metaBytes = MetaJson.encode(m);
                metaLength = metaBytes.length;
            }
            if (metaLength > DesIndex.MAX_META_BYTES) {
                throw new DesException("META of entry '" + name + "' is " + metaLength
                        + " bytes, over the limit of " + DesIndex.MAX_META_BYTES + "; store less metadata");
            }
            long metaOffsetRel = meta.size();
            meta.write(metaBytes, 0, metaLength);
            writeIndexRecord(name, dataOffset, size, metaOffsetRel, metaLength, flags);
            count++;
            return this;
        } catch (IOException e) {
            failure = e;
            throw new DesIoException("cannot add entry '" + name + "' to " + sink.describe(), e);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /** Scratch for one index record: u16 name length, name, u64 offset, u64 size, u64 meta offset, u64 meta length,
     * u32 flags (grown for long names). */
    private ByteBuffer record = ByteBuffer.allocate(2 + 256 + 36).order(ByteOrder.LITTLE_ENDIAN);
    /** Scratch for {@link #plainMeta}: {"size":20 digits,"crc32c":"8 hex digits"}. */
    private final byte[] plainMetaScratch = new byte[64];

    /** Appends one INDEX record; the META offset is relative to META's start until {@link #finish()}. */
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

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final byte[] META_SIZE = "{\"size\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] META_CRC = ",\"crc32c\":\"".getBytes(StandardCharsets.US_ASCII);

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

    private static final class CountingCrcStream extends FilterInputStream {
        private final CRC32C crc;
        long count;

        CountingCrcStream(InputStream in, CRC32C crc) {
            super(in);
            this.crc = crc;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
                if (crc != null) {
                    crc.update(b);
                }
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                if (crc != null) {
                    crc.update(b, off, n);
                }
            }
            return n;
        }
    }

    /** Copies {@code src} (position to limit, consumed) through the buffer. */
    private void putBytes(ByteBuffer src, CRC32C c) throws IOException {
        checkNothingUnwritten();
        if (c != null) {
            int p = src.position();
            c.update(src);
            src.position(p);
        }
        int lim = src.limit();
        while (src.hasRemaining()) {
            if (!buf.hasRemaining()) {
                flush();
            }
            int n = Math.min(buf.remaining(), lim - src.position());
            src.limit(src.position() + n);
            buf.put(src);
            src.limit(lim);
            position += n;
        }
    }

    /**
     * Copies exactly {@code size} bytes from {@code src} through the buffer and proves the source has no more: each
     * read asks for one byte past the end, so a source that grew is caught. For a file a short read means end of
     * file, which saves a separate end-of-file probe per small file (the hot path when packing many files).
     */
    private long putChannel(ReadableByteChannel src, long size, CRC32C c, String what) throws IOException {
        checkNothingUnwritten();
        boolean shortReadIsEof = src instanceof FileChannel;
        long remaining = size;
        while (true) {
            if (buf.remaining() < Math.min(remaining + 1, BUFFER)) {
                flush();
            }
            int start = buf.position();
            int lim = (int) Math.min(buf.remaining(), remaining + 1);
            ByteBuffer view = buf.duplicate();
            view.limit(start + lim);
            int n = src.read(view);
            if (n < 0) {
                if (remaining == 0) {
                    return size;
                }
                throw new IOException(what + " ended after " + (size - remaining) + " of " + size
                        + " bytes: it changed during packing; pack it again once it is complete");
            }
            if (n > remaining) {
                throw new IOException(what + " grew beyond " + size + " bytes while it was packed; pack it again"
                        + " once it is complete");
            }
            if (c != null && n > 0) {
                ByteBuffer written = buf.duplicate();
                written.position(start).limit(start + n);
                c.update(written);
            }
            buf.position(start + n);
            remaining -= n;
            position += n;
            if (remaining == 0 && shortReadIsEof && n < lim) {
                return size;
            }
        }
    }

    /** Read-ahead bytes claimed by entries must reach the sink before any byte after them. */
    private void checkNothingUnwritten() {
        if (unwritten != 0) {
            throw new IllegalStateException(unwritten + " read-ahead bytes not yet written");
        }
    }

    private void flush() throws IOException {
        checkNothingUnwritten();
        buf.flip();
        while (buf.hasRemaining()) {
            sink.write(buf);
        }
        buf.clear();
    }

    /**
     * Writes META, INDEX and FOOTER and commits the sink: the archive appears under its final name complete, or not
     * at all.
     */
    public DesWriteResult finish() {
        checkOpen();
        try {
            long dataLength = position - DesFooter.HEADER_SIZE;
            long metaStart = position;
            byte[] metaBytes = meta.toByteArray();
            byte[] indexBytes = index.toByteArray();
            // make meta offsets absolute
            ByteBuffer idx = ByteBuffer.wrap(indexBytes).order(ByteOrder.LITTLE_ENDIAN);
            int p = 0;
            for (int i = 0; i < count; i++) {
                int nameLen = idx.getShort(p) & 0xffff;
                int metaAt = p + 2 + nameLen + 16;
                idx.putLong(metaAt, idx.getLong(metaAt) + metaStart);
                p += 2 + nameLen + 36;
            }
            int tailCrc = 0;
            if (checksums) {
                CRC32C c = new CRC32C();
                c.update(metaBytes);
                c.update(indexBytes);
                tailCrc = (int) c.getValue();
            }
            putBytes(ByteBuffer.wrap(metaBytes), null);
            long indexStart = position;
            putBytes(ByteBuffer.wrap(indexBytes), null);
            putBytes(DesFooter.encode(DesFooter.HEADER_SIZE, dataLength, metaStart, metaBytes.length, indexStart,
                    indexBytes.length, count, checksums, tailCrc), null);
            flush();
            sink.commit();
            finished = true;
            return new DesWriteResult(sink.describe(), count, dataBytes, externalCount, externalBytes, position);
        } catch (IOException e) {
            failure = e;
            throw new DesIoException("cannot finish " + sink.describe(), e);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    private void checkOpen() {
        if (finished || closed) {
            throw new IllegalStateException("writer for " + sink.describe() + " is already "
                    + (finished ? "finished" : "closed"));
        }
        if (failure != null) {
            throw new IllegalStateException("writer for " + sink.describe() + " failed earlier (" + failure
                    + "); nothing was committed, start a new one", failure);
        }
    }

    /** Entries added so far. */
    public int count() {
        return count;
    }

    /** Bytes written to the archive so far (header and payloads). */
    public long position() {
        return position;
    }

    /**
     * Without a completed {@link #finish()}: aborts the sink and deletes the external objects this writer stored,
     * so nothing remains under the final name. After {@code finish()}: does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!finished) {
            sink.abort();
            if (externalStore != null) {
                for (String key : storedExternalKeys) {
                    try {
                        externalStore.delete(key);
                    } catch (IOException | RuntimeException ignored) {
                        // best effort; an orphan external object is never referenced by a committed archive
                    }
                }
            }
        }
    }
}
