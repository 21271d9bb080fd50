package io.stowage.des;

import io.stowage.des.internal.DirectoryExternalStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where external ("big") payloads live, by key ({@code {prefix}/_bigFiles/{name}}). Writers {@link #put} them,
 * readers {@link #open} them. Here: a local directory; des-s3 adds an S3 bucket.
 *
 * <p>{@code ExternalStore big = ExternalStore.directory(Path.of("/data/external"));}
 *
 * <p>Implementations must be thread-safe: a reader may open several keys concurrently.
 */
public interface ExternalStore {
    /** Stores exactly {@code length} bytes from {@code data} under {@code key}, atomically (all or nothing). */
    void put(String key, InputStream data, long length) throws IOException;

    /** Stores the file's bytes under {@code key}; implementations may copy more efficiently than a stream. */
    default void put(String key, Path file) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            put(key, in, java.nio.file.Files.size(file));
        }
    }

    /**
     * Opens the object for reading.
     *
     * @throws java.nio.file.NoSuchFileException when there is no object under {@code key}
     */
    InputStream open(String key) throws IOException;

    /** Removes the object if present (used to undo the uploads of an aborted pack). */
    void delete(String key) throws IOException;

    /** Human description for messages, e.g. the directory or bucket. */
    String describe();

    /** Objects stored as files under {@code root}; keys are relative paths with {@code /} and never escape root. */
    static ExternalStore directory(Path root) {
        return new DirectoryExternalStore(root);
    }
}
