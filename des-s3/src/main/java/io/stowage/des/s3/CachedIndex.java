package io.stowage.des.s3;

import io.stowage.des.DesIndex;

import java.util.Objects;

/**
 * A parsed archive index as a cache holds it: the ETag of the object it was read from, the validated
 * {@link DesIndex}, and (for caches that store bytes, such as Redis) the object's suffix it was parsed from.
 *
 * <p>{@code CachedIndex c = cache.get("media", "day.des"); if (c != null) use(c.index());}
 *
 * @param etag   the ETag of the archive object the index belongs to (with its quotes, as S3 sends it)
 * @param index  the parsed, validated index
 * @param suffix the last {@code meta_length + index_length + 72} bytes of the object (META, INDEX, FOOTER), or
 *               {@code null} when the holder does not keep them; never modified
 */
public record CachedIndex(String etag, DesIndex index, byte[] suffix) {
    public CachedIndex {
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(index, "index");
        if (suffix != null && suffix.length != index.footer().tailLength() + 72) {
            throw new IllegalArgumentException("suffix must hold meta_length + index_length + 72 = "
                    + (index.footer().tailLength() + 72) + " bytes, got " + suffix.length);
        }
    }

    /** The same index without the suffix bytes (what an in-memory cache keeps). */
    public CachedIndex withoutSuffix() {
        return suffix == null ? this : new CachedIndex(etag, index, null);
    }

    /** An estimate of the memory the parsed index takes, in bytes (the weight of an in-memory cache). */
    public long weight() {
        long w = 256 + index.footer().tailLength() + 160L * index.size();
        return suffix == null ? w : w + suffix.length;
    }
}
