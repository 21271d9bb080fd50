package io.stowage.s3;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One file for {@link ParallelUploader} to store under a key the caller chose, with the size and modification time
 * the caller already read (the uploader does not stat it again before sending; it checks afterwards that the file
 * did not change) and a tag of the caller's (a ledger claim, a row id) that comes back in the file's report.
 *
 * <pre>{@code
 * BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
 * UploadItem item = new UploadItem(p, "day1/" + name, a.size(), a.lastModifiedTime().toInstant(), claimId);
 * }</pre>
 *
 * <p>Immutable; thread-safe if the tag is.
 *
 * @param path         the local file
 * @param key          the full S3 key to store it under
 * @param size         its size in bytes, as the caller read it
 * @param lastModified its modification time, as the caller read it
 * @param tag          the caller's own object, given back with the file's outcome; may be {@code null}
 */
public record UploadItem(Path path, String key, long size, Instant lastModified, Object tag) {
    public UploadItem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(lastModified, "lastModified");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("the key of " + path + " is empty; give the full S3 key");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size " + size + " of " + path + " is negative");
        }
    }

    /** The item for a file a {@link FileTree} walk found, with a tag. */
    public static UploadItem of(LocalFile file, Object tag) {
        return new UploadItem(file.path(), file.key(), file.size(), file.lastModified(), tag);
    }
}
