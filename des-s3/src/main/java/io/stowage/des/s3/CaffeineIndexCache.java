package io.stowage.des.s3;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/** {@link IndexCache#caffeine(long)}: bounded by weight in bytes; keeps parsed indexes without their raw bytes. */
final class CaffeineIndexCache implements IndexCache {
    private final Cache<String, CachedIndex> cache;
    private final long maxBytes;

    CaffeineIndexCache(long maxBytes) {
        if (maxBytes < (1L << 20)) {
            throw new IllegalArgumentException("Caffeine index cache bound " + maxBytes + " bytes is below 1 MiB;"
                    + " give at least 1048576 (an index of 10,000 entries weighs about 2 MiB)");
        }
        this.maxBytes = maxBytes;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String k, CachedIndex v) -> (int) Math.min(Integer.MAX_VALUE, v.weight()))
                .build();
    }

    static String key(String bucket, String key) {
        return bucket + '\0' + key;
    }

    @Override
    public CachedIndex get(String bucket, String key) {
        return cache.getIfPresent(key(bucket, key));
    }

    @Override
    public void put(String bucket, String key, CachedIndex index) {
        cache.put(key(bucket, key), index.withoutSuffix());
    }

    @Override
    public void invalidate(String bucket, String key) {
        cache.invalidate(key(bucket, key));
    }

    /** Indexes held now (after pending evictions). */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /** Sum of the weights held now. */
    long weightedSize() {
        cache.cleanUp();
        return cache.policy().eviction().flatMap(e -> e.weightedSize().stream().boxed().findFirst()).orElse(0L);
    }

    @Override
    public void close() {
        cache.invalidateAll();
    }

    @Override
    public String toString() {
        return "IndexCache.caffeine(" + maxBytes + " bytes)";
    }
}
