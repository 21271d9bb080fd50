package io.stowage.des.ingest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.des.DesEntry;
import io.stowage.des.DesException;
import io.stowage.des.s3.IndexCache;
import io.stowage.des.s3.S3DesReader;
import io.stowage.s3.RangeResponse;
import io.stowage.s3.S3IoException;
import io.stowage.s3.S3Objects;
import io.stowage.s3.S3PreconditionFailedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * File retrieval by DES name ({@code GET/HEAD /files/{name}} of {@code stowage serve des}): the container comes from
 * the name index (a {@link Locator}, cached: a packed file never moves), the bytes from {@link S3DesReader} with the
 * given {@link IndexCache} (Caffeine in front of the shared Redis cache: once warm, one ranged GET per file), streamed,
 * external entries included; byte ranges are one ranged GET inside the container. An unknown name makes no S3
 * request; a store that is down fails with {@link DesIngestFileUnavailableException} as soon as the S3 client's
 * timeouts and retries give up.
 *
 * <pre>{@code
 * DesFileService files = DesFileService.builder(s3, "des-archives", NameIndex.of(db)::find)
 *         .indexCache(IndexCache.layered(IndexCache.caffeine(64L << 20), redisCache)).build();
 * try (DesFileService.FileStream f = files.open("DES_20250115_(0123456789AB_CD)", 0, -1).orElseThrow()) {
 *     f.body().transferTo(out);
 * }
 * }</pre>
 *
 * <p>Thread-safe; stateless apart from its caches, so any number of instances may serve the same files.
 */
public final class DesFileService implements AutoCloseable {
    /**
     * The name index: where a DES name is, or empty when it is not (yet) packed; {@code NameIndex.of(db)::find}. An
     * entry without a bucket is in the service's archive bucket.
     */
    @FunctionalInterface
    public interface Locator {
        Optional<IndexedEntry> find(String desName);
    }

    /**
     * What {@code HEAD} tells.
     *
     * @param bucket    the container's bucket
     * @param container the container's S3 key ({@code X-DES-Container})
     * @param etag      a quoted strong ETag of the file: the container's ETag and the entry's offset
     */
    public record FileInfo(String desName, long containerId, String bucket, String container, int shardId, LocalDate day,
                           long size, boolean external, String etag) {}

    /** An open file or part of one: {@code length} bytes from {@code start} of {@code info.size()}. Close it. */
    public record FileStream(FileInfo info, long start, long length, boolean partial, InputStream body)
            implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    private final S3Client s3;
    private final S3Objects objects;
    private final String bucket;
    private final Locator locator;
    private final IndexCache indexCache;
    private final Cache<String, IndexedEntry> locations;
    private final Cache<String, S3DesReader> readers;
    private final Counter hits;
    private final Counter misses;
    private final Timer s3Latency;
    private final DistributionSummary fileSize;

    private DesFileService(Builder b) {
        this.s3 = b.s3;
        this.objects = S3Objects.create(b.s3);
        this.bucket = b.bucket;
        this.locator = b.locator;
        this.indexCache = b.indexCache;
        this.locations = Caffeine.newBuilder().maximumSize(b.locationCacheSize).build();
        this.readers = Caffeine.newBuilder().maximumSize(b.readerCacheSize)
                .expireAfterAccess(Duration.ofMinutes(30)).build();
        MeterRegistry r = b.registry;
        this.hits = Counter.builder("des.retriever.cache.hits").description("Files whose location and container index "
                + "were cached in this process").register(r);
        this.misses = Counter.builder("des.retriever.cache.misses").description("Files that needed the name index or "
                + "a container index load").register(r);
        this.s3Latency = Timer.builder("des.retriever.s3.latency").description("Time to the first byte of a file "
                + "from S3").publishPercentileHistogram().register(r);
        this.fileSize = DistributionSummary.builder("des.retriever.file.size").baseUnit("bytes")
                .description("Sizes of files served").register(r);
    }

    /** A builder for files in archive bucket {@code bucket}. */
    public static Builder builder(S3Client s3, String bucket, Locator locator) {
        return new Builder(s3, bucket, locator);
    }

    /** Configures a {@link DesFileService}. Not thread-safe. */
    public static final class Builder {
        private final S3Client s3;
        private final String bucket;
        private final Locator locator;
        private IndexCache indexCache = IndexCache.caffeine(64L << 20);
        private long locationCacheSize = 200_000;
        private int readerCacheSize = 4096;
        private MeterRegistry registry = new SimpleMeterRegistry();

        private Builder(S3Client s3, String bucket, Locator locator) {
            this.s3 = Objects.requireNonNull(s3, "s3");
            this.bucket = Objects.requireNonNull(bucket, "bucket");
            this.locator = Objects.requireNonNull(locator, "locator");
        }

        /** Where container indexes are cached (default: 64 MiB in process); the caller closes it. */
        public Builder indexCache(IndexCache c) {
            this.indexCache = Objects.requireNonNull(c, "indexCache");
            return this;
        }

        /** Names whose location is kept in process (default 200,000). */
        public Builder locationCacheSize(long n) {
            this.locationCacheSize = n;
            return this;
        }

        /** Open container readers kept (default 4,096). */
        public Builder readerCacheSize(int n) {
            this.readerCacheSize = n;
            return this;
        }

        /** Where the retriever meters of section 6 go (default: a private registry). */
        public Builder meterRegistry(MeterRegistry r) {
            this.registry = Objects.requireNonNull(r, "registry");
            return this;
        }

        public DesFileService build() {
            return new DesFileService(this);
        }
    }

    /** The archive bucket. */
    public String bucket() {
        return bucket;
    }

    /**
     * What is known of {@code desName}: empty when the name index does not know it (no S3 request then).
     *
     * @throws DesIngestFileUnavailableException when the index says where it is but the container cannot be read
     */
    public Optional<FileInfo> head(String desName) {
        Optional<Found> loc = locate(desName);
        if (loc.isEmpty()) {
            return Optional.empty();
        }
        Located l = located(desName, loc.get(), false);
        return Optional.of(l.info);
    }

    /**
     * The file's bytes from {@code start}, {@code length} of them ({@code -1}: to the end), streamed; empty when the
     * name index does not know the name (no S3 request then). A full read verifies the entry's CRC-32C at its end.
     *
     * @throws DesIngestRangeNotSatisfiableException when {@code start} is at or past the end of a non-empty file
     * @throws DesIngestFileUnavailableException     when the container or the store cannot serve it
     */
    public Optional<FileStream> open(String desName, long start, long length) {
        if (start < 0 || length < -1) {
            throw new IllegalArgumentException("range start " + start + " and length " + length + " are invalid");
        }
        Optional<Found> loc = locate(desName);
        if (loc.isEmpty()) {
            return Optional.empty();
        }
        for (int attempt = 1; ; attempt++) {
            Located l = located(desName, loc.get(), attempt > 1);
            long size = l.info.size();
            if (start > 0 && start >= size) {
                throw new DesIngestRangeNotSatisfiableException(size, "range starts at byte " + start + " but "
                        + desName + " has " + size + " bytes");
            }
            long len = length < 0 ? size - start : Math.min(length, size - start);
            boolean partial = start > 0 || len < size;
            long t0 = System.nanoTime();
            try {
                InputStream body;
                if (!partial) {
                    body = l.reader.openStream(l.entry);
                } else if (!l.entry.isExternal()) {
                    RangeResponse rr = objects.getRange(l.reader.bucket(), l.reader.key(),
                            l.entry.dataOffset() + start, len, l.reader.etag());
                    body = rr.body();
                } else {
                    body = slice(l.reader.openStream(l.entry), start, len);
                }
                s3Latency.record(Duration.ofNanos(System.nanoTime() - t0));
                fileSize.record(size);
                return Optional.of(new FileStream(l.info, start, len, partial, body));
            } catch (S3PreconditionFailedException replaced) {
                readers.invalidate(l.reader.bucket() + "/" + l.reader.key());   // replaced: its index is stale
                indexCache.invalidate(l.reader.bucket(), l.reader.key());
                if (attempt >= 2) {
                    throw unavailable(desName, l.reader.bucket(), l.reader.key(), "the container keeps changing",
                            replaced);
                }
            } catch (DesException | S3IoException | SdkException | java.io.UncheckedIOException e) {
                throw unavailable(desName, l.reader.bucket(), l.reader.key(), "reading it failed", e);
            }
        }
    }

    private record Located(S3DesReader reader, DesEntry entry, FileInfo info) {}

    private record Found(IndexedEntry location, boolean cached) {}

    private Optional<Found> locate(String desName) {
        IndexedEntry cached = locations.getIfPresent(desName);
        if (cached != null) {
            return Optional.of(new Found(cached, true));
        }
        Optional<IndexedEntry> loc;
        try {
            loc = locator.find(desName);
        } catch (RuntimeException e) {
            throw unavailable(desName, bucket, null, "the name index cannot be read", e);
        }
        loc.ifPresent(l -> locations.put(desName, l));
        return loc.map(l -> new Found(l, false));
    }

    private String bucketOf(IndexedEntry e) {
        return e.s3Bucket() == null || e.s3Bucket().isBlank() ? bucket : e.s3Bucket();
    }

    private Located located(String desName, Found found, boolean fresh) {
        IndexedEntry loc = found.location();
        String b = bucketOf(loc);
        String readerKey = b + "/" + loc.s3Key();
        S3DesReader r = fresh ? null : readers.getIfPresent(readerKey);
        boolean hit = r != null && found.cached();
        try {
            if (r == null) {
                r = S3DesReader.builder(s3, b, loc.s3Key()).indexCache(indexCache).open();
                readers.put(readerKey, r);
            }
            DesEntry e = r.entry(loc.entryName());
            (hit ? hits : misses).increment();
            String etag = "\"" + unquote(r.etag()) + "-" + Long.toHexString(e.dataOffset()) + "\"";
            return new Located(r, e, new FileInfo(desName, loc.containerId(), b, loc.s3Key(), loc.shardId(),
                    loc.day(), e.size(), e.isExternal(), etag));
        } catch (DesException | S3IoException | SdkException | java.io.UncheckedIOException e) {
            throw unavailable(desName, b, loc.s3Key(), "its container cannot be read", e);
        }
    }

    private DesIngestFileUnavailableException unavailable(String desName, String inBucket, String container,
                                                          String what, RuntimeException e) {
        String where = container == null ? "" : " (container s3://" + inBucket + "/" + container + ")";
        return new DesIngestFileUnavailableException(desName, container, desName + ": " + what + where + ": "
                + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
    }

    private static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        return etag.startsWith("\"") && etag.endsWith("\"") && etag.length() >= 2
                ? etag.substring(1, etag.length() - 1) : etag;
    }

    /** {@code len} bytes of {@code in} after skipping {@code start} (an external entry's range). */
    private static InputStream slice(InputStream in, long start, long len) {
        try {
            in.skipNBytes(start);
        } catch (IOException e) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the skip failure is reported
            }
            throw new java.io.UncheckedIOException(e);
        }
        return new FilterInputStream(in) {
            long left = len;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = super.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int n) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int r = super.read(b, off, (int) Math.min(n, left));
                if (r > 0) {
                    left -= r;
                }
                return r;
            }
        };
    }

    /** Forgets the open readers (the index cache belongs to the caller). */
    @Override
    public void close() {
        readers.invalidateAll();
    }
}
