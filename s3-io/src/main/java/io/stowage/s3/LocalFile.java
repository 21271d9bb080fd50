package io.stowage.s3;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A regular file found for upload: where it is, its key and what it looked like when found.
 *
 * <p>{@code SkipPolicy p = (file, remote) -> remote != null && remote.size() == file.size();}
 *
 * <p>Immutable and thread-safe.
 *
 * @param path         the file
 * @param relativePath the path below the uploaded folder with {@code /} separators, Unicode NFC
 * @param key          the full S3 key (prefix + relative path)
 * @param size         size in bytes when found
 * @param lastModified modification time when found
 */
public record LocalFile(Path path, String relativePath, String key, long size, Instant lastModified) {}
