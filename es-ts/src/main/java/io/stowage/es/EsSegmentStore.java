package io.stowage.es;

import io.stowage.es.internal.LocalDirectoryStore;
import io.stowage.es.internal.S3SegmentStore;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Where ES segments live: an S3 bucket and prefix, or a local folder with the same {@code DDMMYYYY/HH/start-end.es}
 * layout. Keys passed to and returned by a store are relative to its prefix.
 *
 * <pre>{@code
 * try (S3Client s3 = S3Settings.forEndpoint(endpoint).newClient();
 *      EsSegmentStore store = EsSegmentStore.s3(s3, "cams", "cam-01/")) {
 *     EsFetchReport r = EsToTsParser.create(store, EsFetchOptions.defaults()).fetch(from, to, Path.of("clip.ts"));
 * }
 * EsSegmentStore local = EsSegmentStore.directory(Path.of("/recordings/cam-01"));
 * }</pre>
 *
 * <p>Implementations are thread-safe: {@link EsToTsParser} calls {@link #open} from several worker threads at once.
 * Users may implement this interface (e.g. for another object store); {@link #open} must throw
 * {@link EsSegmentMissingException} for a key with no object and {@link EsStoreException} (with
 * {@link EsStoreException#isTransient()}) for other failures.
 */
public interface EsSegmentStore extends Closeable {

    /** A local folder holding {@code DDMMYYYY/HH/start-end.es} files. The folder must exist. */
    static EsSegmentStore directory(Path root) {
        return new LocalDirectoryStore(root);
    }

    /**
     * An S3 bucket and key prefix ({@code ""} for the bucket root; a directory-like prefix gets a {@code /}
     * appended). The client stays owned by the caller: {@link #close()} does not close it.
     */
    static EsSegmentStore s3(S3Client client, String bucket, String prefix) {
        return new S3SegmentStore(client, bucket, prefix);
    }

    /** Human-readable location for messages and reports, e.g. {@code s3://cams/cam-01/} or a folder path. */
    String location();

    /**
     * Opens one segment for streaming. The caller closes the returned data.
     *
     * @throws EsSegmentMissingException if no object has that key
     * @throws EsStoreException        on any other failure (see {@link EsStoreException#isTransient()})
     */
    SegmentData open(String key);

    /**
     * Keys (relative to the prefix) of every object under {@code folder} (e.g. {@code 01012025/12/}), in any order.
     * Used by listing mode for recorders whose segment length is not known.
     */
    List<String> list(String folder);

    /**
     * Whether reading a segment costs a network round trip, so that fetching ahead in parallel pays off. A local
     * folder says {@code false} and is read in order on the writing thread.
     */
    default boolean isRemote() {
        return true;
    }

    @Override
    default void close() throws IOException {
    }

    /**
     * An open segment: a channel positioned at its first byte and its size in bytes (from the file system or the
     * object's {@code Content-Length}), which bounds every size field read from it.
     *
     * <p>Not thread-safe: one reader at a time.
     */
    interface SegmentData extends Closeable {
        /** The segment's bytes, read once from the start. */
        ReadableByteChannel channel();

        /** Size in bytes. */
        long size();
    }
}
