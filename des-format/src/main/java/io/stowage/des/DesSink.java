package io.stowage.des;

import io.stowage.des.internal.FileSink;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * Where a {@link DesWriter} streams an archive: bytes are written in order, then {@link #commit()} makes the whole
 * archive visible under its final name at once, or {@link #abort()} discards it. Here: a local file (temporary name,
 * fsync, rename); des-s3 adds an S3 multipart upload (complete = commit).
 *
 * <p>{@code try (DesWriter w = DesWriter.builder(DesSink.file(Path.of("day.des"), false)).build()) { ... }}
 *
 * <p>Not thread-safe: one writer uses a sink from one thread at a time.
 */
public interface DesSink extends WritableByteChannel {
    /** Makes the archive visible under its final name; after this the sink is closed. */
    void commit() throws IOException;

    /** Discards everything written; nothing appears under the final name. Never throws; safe to call twice. */
    void abort();

    /** Human description for messages, e.g. the target path or {@code s3://bucket/key}. */
    String describe();

    /**
     * A local file sink: writes {@code .NAME.*.tmp} beside {@code target}, fsyncs it and renames it over
     * {@code target} on commit.
     *
     * @param overwrite whether an existing {@code target} may be replaced; if not, the build of the writer fails
     */
    static DesSink file(Path target, boolean overwrite) throws IOException {
        return new FileSink(target, overwrite);
    }
}
