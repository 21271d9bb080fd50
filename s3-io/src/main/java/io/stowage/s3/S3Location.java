package io.stowage.s3;

import java.util.Objects;

/**
 * A bucket and a key prefix, parsed from {@code s3://BUCKET/PREFIX}.
 *
 * <pre>{@code
 * S3Location loc = S3Location.parse("s3://media/day1");   // bucket "media", prefix "day1/"
 * String key = loc.key("cam 01/a.jpg");                    // "day1/cam 01/a.jpg"
 * }</pre>
 *
 * <p>A non-empty prefix that does not end with {@code /} gets one appended (a directory-like prefix), so
 * {@code s3://b/day1} never matches keys of {@code day10/}. Immutable and thread-safe.
 *
 * @param bucket the bucket, 3 to 63 characters
 * @param prefix empty, or ending with {@code /}
 */
public record S3Location(String bucket, String prefix) {
    public S3Location {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        if (bucket.length() < 3 || bucket.length() > 63) {
            throw new IllegalArgumentException("bucket name '" + bucket + "' has " + bucket.length()
                    + " characters; S3 bucket names need 3 to 63");
        }
        for (int i = 0; i < bucket.length(); i++) {
            char c = bucket.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_')) {
                throw new IllegalArgumentException("bucket name '" + bucket + "' has character '" + c
                        + "' at " + i + "; use lower-case letters, digits, '-' and '.'");
            }
        }
        while (prefix.startsWith("/")) {
            prefix = prefix.substring(1);
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
    }

    /** Bucket and prefix; {@code prefix} may be empty. */
    public static S3Location of(String bucket, String prefix) {
        return new S3Location(bucket, prefix == null ? "" : prefix);
    }

    /**
     * Parses {@code s3://BUCKET} or {@code s3://BUCKET/PREFIX}.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static S3Location parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        if (!uri.startsWith("s3://")) {
            throw new IllegalArgumentException("'" + uri + "' is not an S3 location; use s3://BUCKET/PREFIX");
        }
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("'" + uri + "' has no bucket; use s3://BUCKET/PREFIX");
        }
        return new S3Location(bucket, prefix);
    }

    /** The full key of a name relative to this prefix. */
    public String key(String relative) {
        return prefix + relative;
    }

    /** The key relative to this prefix; the key must start with it. */
    public String relative(String key) {
        if (!key.startsWith(prefix)) {
            throw new IllegalArgumentException("key '" + key + "' is not under prefix '" + prefix + "'");
        }
        return key.substring(prefix.length());
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix;
    }
}
