package io.stowage.des;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
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
 * <p>The work is shared with package-private collaborators: {@code ArchiveOutput} (the buffered sink I/O),
 * {@code IndexBuilder} (META and INDEX encoding) and {@code ReadAhead} (the parallel read-ahead of
 * {@link #addFiles}); this class holds the entry rules (names, external payloads, sizes), the footer and the commit.
 *
 * <p>Not thread-safe: add entries from one thread (or synchronize externally).
 */
public final class DesWriter implements AutoCloseable {
    private final DesSink sink;
    private final boolean checksums;
    private final long externalThreshold;
    private final ExternalStore externalStore;
    private final String externalPrefix;
    private final boolean allowDuplicateNames;
    private final DesWriteListener listener;

    private final ArchiveOutput out;
    private final IndexBuilder index = new IndexBuilder();
    private final Set<String> names = new HashSet<>();
    private final List<String> storedExternalKeys = new ArrayList<>();
    private final CRC32C crc = new CRC32C();
    private final ReadAhead.EntryBytes readAhead = new ReadAhead.EntryBytes();
    private long dataBytes;
    private long externalBytes;
    private int externalCount;
    private boolean finished;
    private boolean closed;
    private Throwable failure;

    private DesWriter(Builder b, DesSink sink) {
        DesWriteOptions o = b.options;
        this.sink = sink;
        this.checksums = o.checksums();
        this.externalThreshold = o.externalThreshold();
        this.externalStore = o.externalStore();
        this.externalPrefix = o.externalPrefix();
        this.allowDuplicateNames = o.allowDuplicateNames();
        this.listener = b.listener;
        this.out = new ArchiveOutput(sink);
    }

    /** A writer to a local file (fails at {@link Builder#build()} if it exists, unless {@code overwrite(true)}). */
    public static Builder builder(Path target) {
        return new Builder(target, null);
    }

    /** A writer to any sink (des-s3: S3 multipart). */
    public static Builder builder(DesSink sink) {
        return new Builder(null, Objects.requireNonNull(sink, "sink"));
    }

    /**
     * Configures a writer: the {@link DesWriteOptions} (whole with {@link #options}, or one field at a time with the
     * shortcut setters) and the listener. Not thread-safe, build once.
     */
    public static final class Builder {
        private final Path target;
        private final DesSink sink;
        private DesWriteOptions options = DesWriteOptions.defaults();
        private DesWriteListener listener = DesWriteListener.none();

        private Builder(Path target, DesSink sink) {
            this.target = target;
            this.sink = sink;
        }

        /** All write options at once (default {@link DesWriteOptions#defaults()}); replaces earlier setter calls. */
        public Builder options(DesWriteOptions o) {
            this.options = Objects.requireNonNull(o, "options");
            return this;
        }

        /** Shortcut for {@link DesWriteOptions#withChecksums}: Stowage's checksums (default true). */
        public Builder checksums(boolean v) {
            this.options = options.withChecksums(v);
            return this;
        }

        /** Shortcut for {@link DesWriteOptions#withExternalThreshold} (default 100 MiB). */
        public Builder externalThreshold(long bytes) {
            this.options = options.withExternalThreshold(bytes);
            return this;
        }

        /**
         * Shortcut for {@link DesWriteOptions#withExternalStore}: big payloads go to {@code store} under
         * {@code {prefix}/_bigFiles/{name}}. Without a store every payload is stored inside the archive.
         */
        public Builder externalStore(ExternalStore store, String prefix) {
            this.options = options.withExternalStore(Objects.requireNonNull(store, "store"), prefix);
            return this;
        }

        /** Shortcut for {@link DesWriteOptions#withAllowDuplicateNames} (default false). */
        public Builder allowDuplicateNames(boolean v) {
            this.options = options.withAllowDuplicateNames(v);
            return this;
        }

        /** Shortcut for {@link DesWriteOptions#withOverwrite}: replace an existing target file (default false). */
        public Builder overwrite(boolean v) {
            this.options = options.withOverwrite(v);
            return this;
        }

        /** Hears each entry added, on the adding thread (default {@link DesWriteListener#none()}). */
        public Builder listener(DesWriteListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /**
         * Opens the sink and writes the header.
         *
         * @throws DesOutputExistsException when the target file exists and {@code overwrite} is off
         */
        public DesWriter build() {
            DesSink s = sink;
            if (s == null) {
                try {
                    s = DesSink.file(target, options.overwrite());
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    throw new DesOutputExistsException(target.toString(), target
                            + " already exists; choose another name or overwrite it (--force)");
                } catch (IOException e) {
                    throw new DesIoException(target.toString(), "cannot create " + target, e);
                }
            }
            DesWriter w = new DesWriter(this, s);
            w.out.writeHeader();
            return w;
        }
    }

    /** Adds an entry from bytes in memory. */
    public DesWriter add(String name, byte[] data, Map<String, ?> userMeta) {
        return add(name, ByteBuffer.wrap(data), userMeta);
    }

    /** Adds an entry from a buffer (position to limit; the buffer is not modified). */
    public DesWriter add(String name, ByteBuffer data, Map<String, ?> userMeta) {
        ByteBuffer d = data.duplicate();
        long size = d.remaining();
        return addEntry(name, size, userMeta, new EntrySource() {
            @Override
            public long copyInto(ArchiveOutput o, CRC32C c) throws IOException {
                o.putBytes(d, c);
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
        return addEntry(name, length, userMeta, new EntrySource() {
            @Override
            public long copyInto(ArchiveOutput o, CRC32C c) throws IOException {
                return o.putChannel(Channels.newChannel(in), length, c, name);
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
            throw new DesIoException(file.toString(), "cannot read " + file + " for entry '" + name + "'", e);
        }
        try (FileChannel ch = fc) {
            return addEntry(name, size, userMeta, new EntrySource() {
                @Override
                public long copyInto(ArchiveOutput o, CRC32C c) throws IOException {
                    return o.putChannel(ch, size, c, file.toString());
                }

                @Override
                public InputStream stream() {
                    return Channels.newInputStream(ch);
                }
            });
        } catch (IOException e) {
            throw new DesIoException(file.toString(), "cannot close " + file, e);
        }
    }

    /**
     * Adds many files, in the map's order, reading small files ahead on {@code readers} threads while the archive
     * is written (opening and reading many small files is the cost of packing; this overlaps it with writing).
     * Readers take consecutive batches of 32 files, read them back to back into one
     * pooled buffer and compute their CRC-32C, so the writer only copies bytes and records entries. Files over
     * 256 KiB, and files that go to the external store, stream in order as {@link #add(String, Path, Map)} does. The
     * result is identical to adding the files one by one. A failure stops at the first failing file and, unlike a
     * refused name in {@code add}, fails the writer (some files were added, others not): nothing is committed.
     *
     * @param files   entry name → file
     * @param metaFor user META per entry name (may return {@code null}); {@code null} for none
     * @param readers reader threads, at least 1
     */
    public DesWriter addFiles(Map<String, Path> files, Function<String, Map<String, ?>> metaFor, int readers) {
        return addFiles(files.entrySet().iterator(), metaFor, readers);
    }

    /**
     * {@link #addFiles(Map, Function, int)} over entries (name → file) that may still be being found, for example by
     * a directory walk running in another thread: the iterator is advanced on the caller's thread, a few batches
     * ahead of the writing. An exception from the iterator fails the writer like any other (nothing is committed)
     * and propagates.
     */
    public DesWriter addFiles(Iterator<? extends Map.Entry<String, Path>> files,
                              Function<String, Map<String, ?>> metaFor, int readers) {
        if (readers < 1) {
            throw new IllegalArgumentException("readers " + readers + " must be at least 1");
        }
        checkOpen();
        long deferAt = externalStore != null ? Math.min(externalThreshold, ReadAhead.MAX_FILE + 1L)
                : ReadAhead.MAX_FILE + 1L;
        try (ReadAhead ahead = new ReadAhead(files, readers, deferAt, checksums, sink.describe())) {
            for (ReadAhead.Batch b = ahead.next(); b != null; b = ahead.next()) {
                try {
                    addBatch(b, metaFor);
                } finally {
                    ahead.release(b);
                }
            }
        } catch (RuntimeException e) {
            // from the iterator, a reader or a file of a batch: the caller cannot tell which files went in, so
            // nothing may be committed now
            if (failure == null) {
                failure = e;
            }
            throw e;
        }
        return this;
    }

    private void addBatch(ReadAhead.Batch b, Function<String, Map<String, ?>> metaFor) {
        ByteBuffer data = b.data.flip();
        for (int i = 0; i < b.files.size(); i++) {
            Map.Entry<String, Path> e = b.files.get(i);
            String name = e.getKey();
            if (i == b.failedAt) {
                throw new DesIoException(e.getValue().toString(), "cannot read " + e.getValue() + " for entry '"
                        + name + "'", b.failure);
            }
            Map<String, ?> meta = metaFor == null ? null : metaFor.apply(name);
            if (b.sizes[i] < 0) {
                writeUnwritten(data); // the read-ahead entries before this one come first
                add(name, e.getValue(), meta);
            } else {
                ReadAhead.EntryBytes src = readAhead;
                src.data = data;
                src.size = (int) b.sizes[i];
                src.crc = b.crcs == null ? -1 : b.crcs[i] & 0xffffffffL;
                addEntry(name, src.size, meta, src);
            }
        }
        writeUnwritten(data);
    }

    /** {@link ArchiveOutput#writeUnwritten}; a failure fails the writer. */
    private void writeUnwritten(ByteBuffer data) {
        try {
            out.writeUnwritten(data);
        } catch (IOException ex) {
            failure = ex;
            throw new DesIoException(sink.describe(), "cannot write to " + sink.describe(), ex);
        }
    }

    /** A source that delivered another length than it announced: an I/O failure of the source, not of the format. */
    private DesIoException changed(String name, long delivered, long size) {
        return new DesIoException(sink.describe(), "entry '" + name + "' delivered " + delivered + " bytes, expected "
                + size + "; the source changed while packing", new IOException("source length changed"));
    }

    private DesWriter addEntry(String name, long size, Map<String, ?> userMeta, EntrySource source) {
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
                    throw changed(name, s.count, size);
                }
                dataOffset = 0;
                flags = DesEntry.FLAG_EXTERNAL;
                m.put("is_external", Boolean.TRUE);
                m.put("external_key", key);
                externalBytes += size;
                externalCount++;
            } else {
                dataOffset = out.position();
                long copied = source.copyInto(out, c);
                if (copied != size) {
                    throw changed(name, copied, size);
                }
                dataBytes += size;
            }
            int crcValue = 0;
            if (c != null) {
                long known = source.crc32c();
                crcValue = known >= 0 ? (int) known : (int) c.getValue();
            }
            index.add(name, dataOffset, size, flags, m, c != null, crcValue);
            listener.onEntryAdded(name, size);
            return this;
        } catch (IOException e) {
            failure = e;
            throw new DesIoException(sink.describe(), "cannot add entry '" + name + "' to " + sink.describe(), e);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /**
     * Writes META, INDEX and FOOTER and commits the sink: the archive appears under its final name complete, or not
     * at all.
     */
    public DesWriteReport finish() {
        checkOpen();
        try {
            long dataLength = out.position() - DesFooter.HEADER_SIZE;
            long metaStart = out.position();
            byte[] metaBytes = index.metaBytes();
            byte[] indexBytes = index.indexBytes(metaStart);
            int tailCrc = 0;
            if (checksums) {
                CRC32C c = new CRC32C();
                c.update(metaBytes);
                c.update(indexBytes);
                tailCrc = (int) c.getValue();
            }
            out.putBytes(ByteBuffer.wrap(metaBytes), null);
            long indexStart = out.position();
            out.putBytes(ByteBuffer.wrap(indexBytes), null);
            out.putBytes(DesFooter.encode(DesFooter.HEADER_SIZE, dataLength, metaStart, metaBytes.length, indexStart,
                    indexBytes.length, index.count(), checksums, tailCrc), null);
            out.flush();
            sink.commit();
            finished = true;
            return new DesWriteReport(sink.describe(), index.count(), dataBytes, externalCount, externalBytes,
                    out.position());
        } catch (IOException e) {
            failure = e;
            throw new DesIoException(sink.describe(), "cannot finish " + sink.describe(), e);
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
        return index.count();
    }

    /** Bytes written to the archive so far (header and payloads). */
    public long position() {
        return out.position();
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
