package io.stowage.s3.internal;

import io.stowage.s3.S3UnsafeKeyException;

import java.nio.file.Path;

/** Maps a key (relative to a prefix) to a path that cannot leave the target folder. Stateless. */
final class SafePaths {
    private SafePaths() {}

    /**
     * The path for {@code relative} under {@code root}.
     *
     * @throws S3UnsafeKeyException if the key is absolute, has {@code .}/{@code ..}/empty segments or a NUL, or would
     *                            resolve outside {@code root}
     */
    public static Path resolve(Path root, String key, String relative) {
        if (relative.isEmpty()) {
            throw new S3UnsafeKeyException(key, "names the prefix itself, not a file below it");
        }
        if (relative.startsWith("/")) {
            throw new S3UnsafeKeyException(key, "is absolute");
        }
        if (relative.indexOf('\0') >= 0) {
            throw new S3UnsafeKeyException(key, "contains a NUL character");
        }
        for (String segment : relative.split("/", -1)) {
            if (segment.equals("..")) {
                throw new S3UnsafeKeyException(key, "contains '..'");
            }
            if (segment.equals(".") || segment.isEmpty()) {
                throw new S3UnsafeKeyException(key, "has an empty or '.' path segment");
            }
        }
        Path base = root.toAbsolutePath().normalize();
        Path p = base.resolve(relative).normalize();
        if (!p.startsWith(base) || p.equals(base)) {
            throw new S3UnsafeKeyException(key, "resolves outside " + base);
        }
        return p;
    }
}
