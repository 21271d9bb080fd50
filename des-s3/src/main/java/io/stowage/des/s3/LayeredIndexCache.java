package io.stowage.des.s3;


import java.util.Objects;

/** {@link IndexCache#layered}: near in front of far. */
final class LayeredIndexCache implements IndexCache {
    private final IndexCache near;
    private final IndexCache far;

    LayeredIndexCache(IndexCache near, IndexCache far) {
        this.near = Objects.requireNonNull(near, "near");
        this.far = Objects.requireNonNull(far, "far");
    }

    @Override
    public CachedIndex get(String bucket, String key) {
        CachedIndex c = near.get(bucket, key);
        if (c != null) {
            return c;
        }
        c = far.get(bucket, key);
        if (c != null) {
            near.put(bucket, key, c);
        }
        return c;
    }

    @Override
    public void put(String bucket, String key, CachedIndex index) {
        near.put(bucket, key, index);
        far.put(bucket, key, index);
    }

    @Override
    public void invalidate(String bucket, String key) {
        near.invalidate(bucket, key);
        far.invalidate(bucket, key);
    }

    @Override
    public void close() {
        try {
            near.close();
        } finally {
            far.close();
        }
    }

    @Override
    public String toString() {
        return "IndexCache.layered(" + near + ", " + far + ")";
    }
}
