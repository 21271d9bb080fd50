package io.stowage.des.s3;


/**
 * Where {@link S3DesReader}s keep parsed archive indexes, keyed by bucket and key and stamped with the object's ETag,
 * so a warm read costs one ranged GET. A cached index whose ETag no longer matches the object is detected by the
 * payload GET ({@code If-Match}) and replaced: a cache can cost an extra request, never a wrong byte.
 *
 * <pre>{@code
 * IndexCache cache = IndexCache.layered(IndexCache.caffeine(64L << 20),          // in process, 64 MiB
 *         RedisIndexCache.builder("redis://127.0.0.1:6379").build());            // shared by every reader process
 * S3DesReader r = S3DesReader.builder(s3, "media", "2025-01-15/day.des").indexCache(cache).open();
 * }</pre>
 *
 * <p>Implementations are thread-safe. A cache that fails (Redis down) answers "not cached" and logs a warning; it never
 * fails a read.
 */
public interface IndexCache extends AutoCloseable {
    /** The cached index of {@code bucket}/{@code key}, or {@code null}. */
    CachedIndex get(String bucket, String key);

    /** Stores (or replaces) the index of {@code bucket}/{@code key}. */
    void put(String bucket, String key, CachedIndex index);

    /** Forgets the index of {@code bucket}/{@code key} (the object was replaced). */
    void invalidate(String bucket, String key);

    /** Releases connections; the default does nothing. */
    @Override
    default void close() {
    }

    /** A cache that keeps nothing: every reader loads its own index (2 requests for its first read). */
    static IndexCache none() {
        return NoIndexCache.INSTANCE;
    }

    /**
     * An in-process Caffeine cache bounded by the estimated memory of the indexes it holds ({@link CachedIndex#weight()}),
     * not by their count: a 100,000-entry index weighs what it costs.
     *
     * @param maxBytes the bound, at least 1 MiB
     */
    static IndexCache caffeine(long maxBytes) {
        return new CaffeineIndexCache(maxBytes);
    }

    /**
     * {@code near} in front of {@code far} (e.g. Caffeine in front of Redis): reads try {@code near}, then {@code far}
     * (a hit there is copied into {@code near}); writes and invalidations go to both. Closing closes both.
     */
    static IndexCache layered(IndexCache near, IndexCache far) {
        return new LayeredIndexCache(near, far);
    }
}
