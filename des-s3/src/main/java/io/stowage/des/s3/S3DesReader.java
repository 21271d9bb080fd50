package io.stowage.des.s3;

import io.stowage.des.DesArchive;
import io.stowage.des.DesChecksumException;
import io.stowage.des.DesCorruptException;
import io.stowage.des.DesEntry;
import io.stowage.des.DesEntryNotFoundException;
import io.stowage.des.DesIndex;
import io.stowage.des.DesLimitException;
import io.stowage.des.DesIoException;
import io.stowage.des.DesPayloads;
import io.stowage.des.DesReadOptions;
import io.stowage.des.DesUnsupportedException;
import io.stowage.des.DesVerifyReport;
import io.stowage.des.ExternalStore;
import io.stowage.s3.ETags;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Reads a DES v1 archive stored as one S3 object with as few requests as the format allows:
 * <ul>
 *   <li><b>cold</b> (index not cached): one suffix-range GET ({@code Range: bytes=-N}, N = {@link Builder#firstRange},
 *   default 256 KiB) brings the footer and, for most archives, all of META+INDEX (one more ranged GET when the index is
 *   larger); the object's size comes from {@code Content-Range}, so there is no HEAD. Then one ranged GET per payload:
 *   <b>2 requests</b> for the first entry.</li>
 *   <li><b>warm</b> (index in this reader or its {@link IndexCache}): <b>1 ranged GET</b> per payload.</li>
 *   <li>{@link #readAll}: entries sorted by offset, neighbours closer than {@link DesReadOptions#mergeGap()} merged into
 *   one GET (at most {@link DesReadOptions#maxMergedRead()} bytes), the GETs run in parallel;
 *   {@link #readAll(Map)} does the same across archives.</li>
 * </ul>
 * Every payload GET carries {@code If-Match} with the ETag the index was read from (and the answer's ETag is compared):
 * when the archive was replaced, the index is reloaded and the read repeated, so a stale offset is never served.
 * External entries are streamed from their {@code external_key} (or {@code {archive folder}/_bigFiles/{name}}) in the
 * same bucket, or from {@link DesReadOptions#externalStore()} when given; {@code crc32c} is verified when present.
 *
 * <pre>{@code
 * try (S3Client s3 = S3Settings.forEndpoint(URI.create("http://127.0.0.1:9000")).newClient();
 *      S3DesReader r = S3DesReader.builder(s3, "media", "2025-01-15/shard_07/day.des")
 *              .indexCache(IndexCache.caffeine(64L << 20))
 *              .open()) {
 *     ByteBuffer jpg = r.read("cam-01.jpg");
 *     Map<String, ByteBuffer> many = r.readAll(List.of("a.jpg", "b.jpg", "c.jpg"));
 * }
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may read concurrently. The {@link S3Client} and the {@link IndexCache} belong
 * to the caller, who closes them; {@link #close()} only ends the use of this reader.
 */
public final class S3DesReader implements DesArchive {
    /** Default size of the first (suffix) range: holds the index of about 2,000 entries with short META. */
    public static final int DEFAULT_FIRST_RANGE = 256 * 1024;
    private static final ExecutorService DEFAULT_EXECUTOR = defaultExecutor();

    private final String bucket;
    private final String key;
    private final String name;
    private final DesReadOptions options;
    private final IndexCache cache;
    private final ExecutorService executor;
    private final ObjectRanges ranges;
    private final IndexLoader loader;
    private final Object reloadLock = new Object();
    private final LongAdder reloads = new LongAdder();
    private volatile CachedIndex current;
    /** The current index while it came from the cache and no miss has confirmed it against the store yet. */
    private volatile CachedIndex unconfirmed;
    private volatile boolean closed;

    private S3DesReader(Builder b) {
        this.bucket = b.bucket;
        this.key = b.key;
        this.name = "s3://" + b.bucket + "/" + b.key;
        DesReadOptions o = b.options;
        if (o.archiveKey() == null) {
            o = o.withArchiveKey(b.key);
        }
        if (o.externalStore() == null) {
            o = o.withExternalStore(S3ExternalStore.create(b.s3, b.bucket));
        }
        this.options = o;
        this.cache = b.cache;
        this.executor = b.executor == null ? DEFAULT_EXECUTOR : b.executor;
        this.ranges = new ObjectRanges(b.s3, b.bucket, b.key, name);
        this.loader = new IndexLoader(ranges, cache, bucket, key, name, b.firstRange);
    }

    private static ExecutorService defaultExecutor() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 32, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "des-s3-read-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        return pool;
    }

    /** A builder for the archive at {@code bucket}/{@code key}. */
    public static Builder builder(S3Client s3, String bucket, String key) {
        return new Builder(s3, bucket, key);
    }

    /**
     * A builder for {@code s3://BUCKET/KEY}.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static Builder builder(S3Client s3, String s3Uri) {
        String[] bk = parseUri(s3Uri);
        return new Builder(s3, bk[0], bk[1]);
    }

    /** Opens {@code bucket}/{@code key} with default options and no shared cache. */
    public static S3DesReader open(S3Client s3, String bucket, String key) {
        return builder(s3, bucket, key).open();
    }

    /** Splits {@code s3://BUCKET/KEY} into bucket and key; the key must name an object (not end with '/'). */
    static String[] parseUri(String uri) {
        Objects.requireNonNull(uri, "uri");
        if (!uri.startsWith("s3://")) {
            throw new IllegalArgumentException("'" + uri + "' is not an S3 object URL; use s3://BUCKET/KEY");
        }
        String rest = uri.substring(5);
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1 || rest.endsWith("/")) {
            throw new IllegalArgumentException("'" + uri + "' does not name an archive object; use s3://BUCKET/KEY,"
                    + " e.g. s3://media/2025-01-15/day.des");
        }
        return new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }

    /** Configures an {@link S3DesReader}. Not thread-safe; {@link #open()} may be called many times. */
    public static final class Builder {
        private final S3Client s3;
        private final String bucket;
        private final String key;
        private DesReadOptions options = DesReadOptions.defaults();
        private IndexCache cache = IndexCache.none();
        private int firstRange = DEFAULT_FIRST_RANGE;
        private ExecutorService executor;

        private Builder(S3Client s3, String bucket, String key) {
            this.s3 = Objects.requireNonNull(s3, "s3");
            this.bucket = Objects.requireNonNull(bucket, "bucket");
            this.key = Objects.requireNonNull(key, "key");
            if (bucket.isEmpty() || key.isEmpty()) {
                throw new IllegalArgumentException("bucket and key must not be empty (got '" + bucket + "', '" + key
                        + "')");
            }
        }

        /**
         * Read options (checksums, merge gap, largest merged read, external store). Without an external store, external
         * entries are read from the archive's bucket; without an archive key, the reader's key is used to derive
         * {@code {folder}/_bigFiles/{name}}. {@link DesReadOptions#memoryMap()} has no meaning here.
         */
        public Builder options(DesReadOptions o) {
            this.options = Objects.requireNonNull(o, "options");
            return this;
        }

        /** Where parsed indexes are shared between readers (default {@link IndexCache#none()}). */
        public Builder indexCache(IndexCache c) {
            this.cache = Objects.requireNonNull(c, "cache");
            return this;
        }

        /**
         * Bytes of the first, suffix-range GET (default {@value S3DesReader#DEFAULT_FIRST_RANGE}; 4 KiB to 64 MiB). An index that
         * fits costs one request; a bigger one costs one more.
         */
        public Builder firstRange(int bytes) {
            if (bytes < 4096 || bytes > (64 << 20)) {
                throw new IllegalArgumentException("firstRange " + bytes + " is outside 4096..67108864 bytes");
            }
            this.firstRange = bytes;
            return this;
        }

        /** Threads for parallel ranged GETs of {@code readAll} (default: a shared pool of up to 32 daemon threads). */
        public Builder executor(ExecutorService e) {
            this.executor = Objects.requireNonNull(e, "executor");
            return this;
        }

        /**
         * Opens the archive: takes the index from the cache (no request) or loads it (1 request, 2 for a big index).
         *
         * @throws DesCorruptException when the object is not a valid DES v1 archive (naming the field and offset)
         * @throws DesIoException      when it cannot be read (missing object, network, access denied)
         */
        public S3DesReader open() {
            S3DesReader r = new S3DesReader(this);
            r.init();
            return r;
        }
    }

    private void init() {
        CachedIndex c = cache.get(bucket, key);
        if (c == null) {
            c = loader.load();
        } else {
            unconfirmed = c;
        }
        current = c;
    }

    /**
     * The entry of {@code entryName} in the current index. A name missing from an index that came from the cache is
     * confirmed against the store first (one ranged GET of 1 byte with {@code If-Match}, once per cached index): when
     * the archive was replaced, the index is reloaded and looked up again, so a cache never answers "not found" for
     * a name the archive now holds.
     */
    private DesEntry lookup(String entryName) {
        CachedIndex c = current;
        DesEntry e = c.index().find(entryName);
        if (e == null && confirm(c)) {
            e = current.index().find(entryName);
        }
        if (e == null) {
            throw new DesEntryNotFoundException(name, entryName);
        }
        return e;
    }

    /** True when {@code c} came from the cache, was stale and has been replaced by a fresh index. */
    private boolean confirm(CachedIndex c) {
        if (unconfirmed != c) {
            return false;
        }
        try {
            if (c.etag().isEmpty()) {
                throw new DesS3ArchiveChangedException(name, null, null, name + ": the cached index has no ETag");
            }
            ranges.range(0, 1, c.etag(), "its first byte (is the cached index current?)");
            unconfirmed = null;
            return false;
        } catch (DesS3ArchiveChangedException changed) {
            reload(c);
            return true;
        }
    }

    @Override
    public DesEntry entry(String entryName) {
        return lookup(entryName);
    }

    @Override
    public boolean contains(String entryName) {
        return current.index().find(entryName) != null || (confirm(current)
                && current.index().find(entryName) != null);
    }

    @Override
    public java.util.Map<String, Object> meta(String entryName) {
        return lookup(entryName).meta();
    }

    /** Loads the index again unless another thread already replaced {@code stale}. */
    private CachedIndex reload(CachedIndex stale) {
        synchronized (reloadLock) {
            CachedIndex c = current;
            if (c != stale) {
                return c;
            }
            cache.invalidate(bucket, key);
            CachedIndex fresh = loader.load();
            reloads.increment();
            current = fresh;
            return fresh;
        }
    }

    /** Runs {@code op} against the current index; when the object changed under it, reloads and runs it again. */
    private <T> T withIndex(Function<CachedIndex, T> op) {
        if (closed) {
            throw new IllegalStateException(name + ": the reader is closed");
        }
        CachedIndex c = current;
        for (int attempt = 1; ; attempt++) {
            try {
                return op.apply(c);
            } catch (DesS3ArchiveChangedException e) {
                if (attempt >= IndexLoader.MAX_ATTEMPTS) {
                    throw new DesS3ArchiveChangedException(name, e.expectedETag(), e.actualETag(), name
                            + " keeps changing while it is read (" + e.getMessage() + "); read it again once the"
                            + " writer is done");
                }
                c = reload(c);
            } catch (DesChecksumException e) {
                // a store that replaces objects non-atomically (S3Proxy's filesystem backend) can serve the new
                // bytes under the old ETag for a moment, so If-Match passes: if the object has a new ETag now, that
                // was a torn read, not corruption; read again from the new index
                if (attempt >= IndexLoader.MAX_ATTEMPTS || sameObject(c)) {
                    throw e;
                }
                c = reload(c);
            }
        }
    }

    /** Whether the object still has the ETag {@code c} was read from (one HEAD). */
    private boolean sameObject(CachedIndex c) {
        String now = ranges.currentETag();
        return now != null && now.equals(ETags.unquote(c.etag()));   // HEAD gives it unquoted
    }

    @Override
    public String name() {
        return name;
    }

    public String bucket() {
        return bucket;
    }

    public String key() {
        return key;
    }

    /** The ETag of the object the current index was read from. */
    public String etag() {
        return current.etag();
    }

    /** The options in effect (with the derived archive key and external store). */
    public DesReadOptions options() {
        return options;
    }

    @Override
    public DesIndex index() {
        return current.index();
    }

    /**
     * What this reader has asked of S3.
     *
     * @param requests   GET requests sent (index and payload; a reader never sends HEAD)
     * @param indexLoads indexes loaded from S3 (0 when the cache had it)
     * @param reloads    indexes loaded again because the object was replaced
     */
    public record Stats(long requests, long indexLoads, long reloads) {
    }

    public Stats stats() {
        return new Stats(ranges.requests(), loader.loads(), reloads.sum());
    }

    /** The entry of {@code entryName} in {@code c}, or the exception saying why it cannot be read. */
    DesEntry readable(CachedIndex c, String entryName) {
        DesEntry e = c.index().find(entryName);
        if (e == null) {
            if (confirm(c)) {   // the cached index was stale: read again from the fresh one
                throw new DesS3ArchiveChangedException(name, c.etag(), current.etag(), name + " was replaced since"
                        + " its cached index was written");
            }
            throw new DesEntryNotFoundException(name, entryName);
        }
        if (!e.isSupported()) {
            throw new DesUnsupportedException(name, e.name(), e.flags());
        }
        return e;
    }

    @Override
    public ByteBuffer read(String entryName) {
        return withIndex(c -> {
            DesEntry e = readable(c, entryName);
            if (e.size() > Integer.MAX_VALUE - 8) {
                throw new DesLimitException(name, e.name(), "size", e.size(), Integer.MAX_VALUE - 8,
                        name + ": entry '" + e.name() + "' is " + e.size() + " bytes, too big for one buffer; use openStream or transferTo");
            }
            if (e.isExternal()) {
                return ByteBuffer.wrap(readExternal(e)).asReadOnlyBuffer();
            }
            byte[] b = new byte[(int) e.size()];
            readInto(c, e, b, 0);
            return ByteBuffer.wrap(b).asReadOnlyBuffer();
        });
    }

    @Override
    public int read(String entryName, byte[] dst, int offset) {
        return withIndex(c -> {
            DesEntry e = readable(c, entryName);
            if (offset < 0 || e.size() > dst.length - offset) {
                throw new IndexOutOfBoundsException("entry '" + e.name() + "' of " + e.size()
                        + " bytes does not fit in " + (dst.length - offset) + " bytes at offset " + offset);
            }
            readInto(c, e, dst, offset);
            return (int) e.size();
        });
    }

    /** Reads {@code e}'s payload (inside: one ranged GET; external: streamed) into {@code dst}, verified. */
    void readInto(CachedIndex c, DesEntry e, byte[] dst, int off) {
        int n = (int) e.size();
        if (e.isExternal()) {
            try (InputStream in = openExternal(e)) {
                int got = in.readNBytes(dst, off, n);
                if (got != n || in.read() != -1) { // the read past the end runs the stream's final check
                    throw new DesCorruptException(name, "external", -1, "external object of '" + e.name()
                            + "' has the wrong length");
                }
            } catch (IOException ex) {
                throw new DesIoException(name, name + ": cannot read external entry '" + e.name() + "'", ex);
            }
            return;
        }
        if (n == 0) {   // nothing to fetch, but an empty payload has a checksum too
            DesPayloads.checkCrc(name, e, dst, off, 0, options.verifyChecksums());
            return;
        }
        ranges.rangeInto(e.dataOffset(), n, c.etag(), dst, off, "payload of '" + e.name() + "'");
        DesPayloads.checkCrc(name, e, dst, off, n, options.verifyChecksums());
    }

    /** An external payload, verified; its size is only a claim of the index, so the buffer grows as bytes arrive. */
    byte[] readExternal(DesEntry e) {
        try (InputStream in = openExternal(e)) {
            byte[] b = in.readNBytes((int) e.size());
            if (b.length != e.size() || in.read() != -1) { // the read past the end runs the stream's final check
                throw new DesCorruptException(name, "external", -1, "external object of '" + e.name()
                        + "' has the wrong length");
            }
            return b;
        } catch (IOException ex) {
            throw new DesIoException(name, name + ": cannot read external entry '" + e.name() + "'", ex);
        }
    }

    private InputStream openExternal(DesEntry e) {
        ExternalStore store = options.externalStore();
        String k = DesPayloads.checkExternalKey(name, e, options.externalKeyOf(e));
        try {
            return DesPayloads.verifying(store.open(k), name, e, "external object " + k + " in " + store.describe(),
                    options.verifyChecksums());
        } catch (NoSuchFileException ex) {
            throw new DesIoException(name, name + ": external object '" + k + "' of entry '" + e.name()
                    + "' is missing from " + store.describe(), ex);
        } catch (IOException ex) {
            throw new DesIoException(name, name + ": cannot open external object '" + k + "'", ex);
        }
    }

    /**
     * The payload, spooled until all of it passed its checks ({@link DesPayloads#spooled}: in memory up to 8 MiB,
     * then in a temporary file), so no byte of a damaged entry is handed out; a torn read during the spool is read
     * again like any other.
     */
    @Override
    public InputStream openVerified(String entryName) {
        return withIndex(c -> {
            DesEntry e = readable(c, entryName);
            InputStream in = openRecord(c, e);
            return options.verifyChecksums() && e.hasCrc32c() ? DesPayloads.spooled(in, name, e, e.size()) : in;
        });
    }

    @Override
    public InputStream openStream(String entryName) {
        return withIndex(c -> openRecord(c, readable(c, entryName)));
    }

    /** The record of {@code entry} in the current index (after a reload too, as long as the record is the same). */
    @Override
    public InputStream openStream(DesEntry entry) {
        return withIndex(c -> {
            DesEntry e = c.index().record(entry);
            if (!e.isSupported()) {
                throw new DesUnsupportedException(name, e.name(), e.flags());
            }
            return openRecord(c, e);
        });
    }

    /** A verifying stream of {@code e}'s payload (inside: one ranged GET at the index's ETag; external). */
    InputStream openRecord(CachedIndex c, DesEntry e) {
        if (e.isExternal()) {
            return openExternal(e);
        }
        InputStream raw = e.size() == 0 ? InputStream.nullInputStream()
                : ranges.stream(e.dataOffset(), e.size(), c.etag(), "payload of '" + e.name() + "'");
        return DesPayloads.verifying(raw, name, e, "payload at offset " + e.dataOffset(), options.verifyChecksums());
    }

    @Override
    public Map<String, ByteBuffer> readAll(Collection<String> names) {
        return withIndex(c -> ParallelReads.readAll(this, c, names, ranges, executor));
    }

    /**
     * Reads entries of many archives at once: each archive's {@link #readAll} runs in parallel (and its merged GETs in
     * parallel too). The first failure fails the call.
     *
     * <p>{@code Map<S3DesReader, Map<String, ByteBuffer>> got = S3DesReader.readAll(Map.of(day1, names1, day2, names2));}
     */
    public static Map<S3DesReader, Map<String, ByteBuffer>> readAll(
            Map<S3DesReader, ? extends Collection<String>> requests) {
        Map<S3DesReader, CompletableFuture<Map<String, ByteBuffer>>> tasks = new LinkedHashMap<>();
        for (Map.Entry<S3DesReader, ? extends Collection<String>> e : requests.entrySet()) {
            S3DesReader r = e.getKey();
            tasks.put(r, CompletableFuture.supplyAsync(() -> r.readAll(e.getValue()), r.executor));
        }
        Map<S3DesReader, Map<String, ByteBuffer>> out = new LinkedHashMap<>();
        for (Map.Entry<S3DesReader, CompletableFuture<Map<String, ByteBuffer>>> t : tasks.entrySet()) {
            out.put(t.getKey(), ParallelReads.join(t.getValue()));
        }
        return out;
    }

    /**
     * Reads every payload, checking lengths, external objects and checksums (when present), with few requests: the
     * DATA region is read in ranged GETs of up to {@link DesReadOptions#maxMergedRead()} bytes; external objects are
     * streamed. Each failed entry becomes one problem; structural damage already failed {@link Builder#open()}.
     */
    @Override
    public DesVerifyReport verify() {
        return withIndex(c -> S3ArchiveVerifier.verify(this, c, ranges));
    }

    /** Ends the use of this reader; the client and the cache stay open (they are the caller's). */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "S3DesReader[" + name + ", " + current.index().size() + " entries, etag " + current.etag() + "]";
    }
}
