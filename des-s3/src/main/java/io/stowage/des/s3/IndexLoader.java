package io.stowage.des.s3;

import io.stowage.des.DesFooter;
import io.stowage.des.DesIndex;
import io.stowage.des.DesLimitException;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Loads the index of one archive for {@link S3DesReader}: one suffix-range GET of {@code firstRange} bytes brings the
 * footer and, for most archives, all of META+INDEX (one more ranged GET, with {@code If-Match}, when the index is
 * larger); the header is checked when the object is that small. A loaded index goes into the {@link IndexCache}
 * (with its suffix bytes, for a shared cache); an object replaced during the load is loaded again, up to
 * {@value #MAX_ATTEMPTS} times.
 *
 * <p>Thread-safe (the ranges and the cache are).
 */
final class IndexLoader {
    /** Attempts of a load, and of a read against a reloaded index, before the object counts as "keeps changing". */
    static final int MAX_ATTEMPTS = 3;

    private final ObjectRanges ranges;
    private final IndexCache cache;
    private final String bucket;
    private final String key;
    private final String name;
    private final int firstRange;
    private final LongAdder loads = new LongAdder();

    IndexLoader(ObjectRanges ranges, IndexCache cache, String bucket, String key, String name, int firstRange) {
        this.ranges = ranges;
        this.cache = cache;
        this.bucket = bucket;
        this.key = key;
        this.name = name;
        this.firstRange = firstRange;
    }

    /** Indexes loaded from S3 so far. */
    long loads() {
        return loads.sum();
    }

    /** Loads the index from S3 and stores it in the cache; the result holds no suffix bytes. */
    CachedIndex load() {
        DesS3ArchiveChangedException last = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                CachedIndex loaded = loadOnce();
                loads.increment();
                cache.put(bucket, key, loaded);
                return loaded.withoutSuffix();
            } catch (DesS3ArchiveChangedException e) {
                last = e;
            }
        }
        throw new DesS3ArchiveChangedException(name, last.expectedETag(), last.actualETag(), name + " was replaced "
                + MAX_ATTEMPTS + " times while its index was read (" + last.getMessage() + "); read it again once the"
                + " writer is done");
    }

    private CachedIndex loadOnce() {
        ObjectRanges.Range r = ranges.suffix(firstRange);
        long total = r.total();
        byte[] b = r.bytes();
        if (total < DesFooter.MIN_ARCHIVE_SIZE) {
            if (total >= DesFooter.HEADER_SIZE && r.start() == 0) {
                DesFooter.checkHeader(name, ByteBuffer.wrap(b, 0, DesFooter.HEADER_SIZE));
            }
            DesFooter.parse(name, total, ByteBuffer.allocate(DesFooter.SIZE)); // throws, naming the size
        }
        if (r.start() == 0) {
            DesFooter.checkHeader(name, ByteBuffer.wrap(b, 0, DesFooter.HEADER_SIZE));
        }
        DesFooter footer = DesFooter.parse(name, total, ByteBuffer.wrap(b, b.length - DesFooter.SIZE, DesFooter.SIZE)
                .slice());
        if (footer.tailLength() > Integer.MAX_VALUE - 8 - DesFooter.SIZE) {
            throw new DesLimitException(name, null, "tail_length", footer.tailLength(),
                    Integer.MAX_VALUE - 8 - DesFooter.SIZE, name + ": META+INDEX of " + footer.tailLength() + " bytes is larger than this reader supports (2 GiB); split the archive");
        }
        int suffixLen = (int) footer.tailLength() + DesFooter.SIZE;
        byte[] suffix;
        if (suffixLen <= b.length) {
            suffix = suffixLen == b.length ? b : Arrays.copyOfRange(b, b.length - suffixLen, b.length);
        } else {
            long start = footer.metaStart();
            int missing = (int) (r.start() - start);
            ObjectRanges.Range more = ranges.range(start, missing, r.etag(), "META+INDEX");
            suffix = new byte[suffixLen];
            System.arraycopy(more.bytes(), 0, suffix, 0, missing);
            System.arraycopy(b, 0, suffix, missing, b.length);
        }
        DesIndex index = DesIndex.parse(name, footer, ByteBuffer.wrap(suffix, 0, suffixLen - DesFooter.SIZE));
        return new CachedIndex(r.etag() == null ? "" : r.etag(), index, suffix);
    }
}
