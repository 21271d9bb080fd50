package io.stowage.s3;

/**
 * An S3 key that cannot be written under the download folder: it is absolute, contains {@code ..} or an empty
 * segment, or would otherwise escape the target. Downloads refuse such keys instead of writing outside the folder
 * (the file fails with this message in the report).
 *
 * <p>{@code catch (S3UnsafeKeyException e) { log.warn("{}: {}", e.key(), e.reason()); }}; immutable, so thread-safe.
 */
public final class S3UnsafeKeyException extends S3IoException {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final String reason;

    public S3UnsafeKeyException(String key, String reason) {
        super("key '" + key + "' " + reason + "; refusing to write it outside the target folder");
        this.key = key;
        this.reason = reason;
    }

    /** The key that was refused. */
    public String key() {
        return key;
    }

    /** Why, e.g. {@code "contains '..'"}. */
    public String reason() {
        return reason;
    }
}
