package io.stowage.s3;

/**
 * An S3 key that cannot be written under the download folder: it is absolute, contains {@code ..} or an empty
 * segment, or would otherwise escape the target. Downloads refuse such keys instead of writing outside the folder.
 *
 * <p>{@code catch (UnsafeKeyException e) { e.key(); }}; immutable, so thread-safe.
 */
public final class UnsafeKeyException extends S3IoException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public UnsafeKeyException(String key, String why) {
        super("key '" + key + "' " + why + "; refusing to write it outside the target folder");
        this.key = key;
    }

    /** The key that was refused. */
    public String key() {
        return key;
    }
}
