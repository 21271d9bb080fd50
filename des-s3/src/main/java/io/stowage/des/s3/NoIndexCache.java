package io.stowage.des.s3;


/** {@link IndexCache#none()}. */
final class NoIndexCache implements IndexCache {
    static final NoIndexCache INSTANCE = new NoIndexCache();

    private NoIndexCache() {
    }

    @Override
    public CachedIndex get(String bucket, String key) {
        return null;
    }

    @Override
    public void put(String bucket, String key, CachedIndex index) {
    }

    @Override
    public void invalidate(String bucket, String key) {
    }

    @Override
    public String toString() {
        return "IndexCache.none()";
    }
}
