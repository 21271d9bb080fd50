package io.stowage.des;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * The read-ahead pipeline of {@link DesWriter#addFiles}: reader threads take consecutive batches of
 * {@value #BATCH_FILES} files, read the small ones back to back into one pooled direct buffer and compute their
 * CRC-32C, a few batches ahead of the writer; {@link #next()} hands the batches to the writer's thread in order (one
 * hand-over per batch, not per file). Files of at least {@code deferAt} bytes are left to the writer (size -1): they
 * stream in order.
 *
 * <p>The file iterator is advanced on the caller's thread (inside {@link #next()}). {@link #close()} stops the
 * readers. Not thread-safe: one writer thread calls {@code next}, {@code release} and {@code close}.
 */
final class ReadAhead implements AutoCloseable {
    /** Files up to this size are read ahead whole; larger ones stream in order. */
    static final int MAX_FILE = 256 << 10;
    /** Files per read-ahead batch: one hand-over between a reader thread and the writer per batch, not per file. */
    static final int BATCH_FILES = 32;
    /** Initial capacity of a pooled batch buffer (grows when a batch holds more). */
    private static final int BATCH_BUFFER = 1 << 20;

    private final Iterator<? extends Map.Entry<String, Path>> files;
    private final long deferAt;
    private final boolean checksums;
    private final String archive;
    private final ExecutorService pool;
    private final int maxWindow;
    private final Queue<ByteBuffer> buffers = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Future<Batch>> window = new ArrayDeque<>();

    /**
     * @param deferAt   files of at least this many bytes are not read ahead
     * @param checksums whether readers compute each file's CRC-32C
     * @param archive   the archive's description, for messages
     */
    ReadAhead(Iterator<? extends Map.Entry<String, Path>> files, int readers, long deferAt, boolean checksums,
              String archive) {
        this.files = files;
        this.deferAt = deferAt;
        this.checksums = checksums;
        this.archive = archive;
        this.maxWindow = 2 * readers + 2;
        this.pool = Executors.newFixedThreadPool(readers, r -> {
            Thread t = new Thread(r, "des-read-ahead");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The next batch in the iterator's order, or {@code null} after the last; first submits batches until the
     * window is full. Give the batch back with {@link #release} once its bytes are written.
     */
    Batch next() {
        while (window.size() < maxWindow && files.hasNext()) {
            List<Map.Entry<String, Path>> part = new ArrayList<>(BATCH_FILES);
            while (part.size() < BATCH_FILES && files.hasNext()) {
                part.add(files.next());
            }
            window.add(pool.submit(() -> Batch.read(part, deferAt, checksums, buffers)));
        }
        Future<Batch> next = window.poll();
        if (next == null) {
            return null;
        }
        try {
            return next.get();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new DesIoException(archive, "interrupted while adding files to " + archive,
                    new java.io.InterruptedIOException(ex.getMessage()));
        } catch (ExecutionException ex) {
            Throwable c = ex.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof IOException io) {
                throw new DesIoException(archive, "cannot read files for " + archive, io);
            }
            throw new DesException("cannot read files for " + archive + ": " + c, c);
        }
    }

    /** Returns the batch's buffer to the pool (its bytes must be written by now). */
    void release(Batch b) {
        b.data.clear();
        buffers.add(b.data);
    }

    /** Stops the readers (interrupting any still reading). */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** Consecutive files read back to back into one buffer by a reader thread. */
    static final class Batch {
        /** Options of every open (the varargs open builds a HashSet per call). */
        private static final Set<StandardOpenOption> READ = Set.of(StandardOpenOption.READ);

        final List<Map.Entry<String, Path>> files;
        /** Bytes read per file, or -1: stream it on the writer's thread (big, or external). */
        final long[] sizes;
        /** CRC-32C per file read ahead, or null without checksums. */
        final int[] crcs;
        /** The files' bytes back to back, from 0 to the position. */
        ByteBuffer data;
        /** The index of the file that could not be read (the batch ends before it), or -1. */
        int failedAt = -1;
        IOException failure;

        private Batch(List<Map.Entry<String, Path>> files, boolean crcs) {
            this.files = files;
            this.sizes = new long[files.size()];
            this.crcs = crcs ? new int[files.size()] : null;
        }

        static Batch read(List<Map.Entry<String, Path>> files, long deferAt, boolean checksums,
                          Queue<ByteBuffer> buffers) {
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

    /**
     * The source of every read-ahead entry: the next {@code size} bytes of a batch buffer, checksummed by the reader.
     * One instance per writer, refilled per entry (this is the per-file path of packing many small files).
     */
    static final class EntryBytes implements EntrySource {
        ByteBuffer data;
        int size;
        long crc = -1;

        /** Claims the bytes (the reader computed the checksum); the batch writes them in one go (writeUnwritten). */
        @Override
        public long copyInto(ArchiveOutput out, CRC32C c) {
            data.position(data.position() + size);
            out.claim(size);
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
}
