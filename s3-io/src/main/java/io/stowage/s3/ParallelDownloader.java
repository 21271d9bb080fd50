package io.stowage.s3;

import io.stowage.s3.internal.Cancellation;
import io.stowage.s3.internal.DownloadRun;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Function;

/**
 * Downloads every object under an S3 prefix (or a list of keys) into a folder in parallel: big objects as parallel
 * ranges, every file written to a temporary name, verified (size, and MD5 against a single-part ETag), fsynced and
 * renamed, so a crash never leaves half a file under the real name. Files already present with the same size (and
 * checksum, if asked) are skipped; any other existing file is left alone and reported unless
 * {@link DownloadOptions#overwrite()} is on; keys that would escape the folder are refused.
 *
 * <pre>{@code
 * try (ParallelDownloader down = ParallelDownloader.builder(s3).options(DownloadOptions.defaults()).build()) {
 *     TransferReport r = down.download(S3Location.parse("s3://media/day1"), Path.of("restore"));
 * }
 * }</pre>
 *
 * <p>Thread-safety: one {@code download} at a time per instance (synchronized); {@link #cancel()} and
 * {@link #close()} may be called from any thread. The client is not closed by this class.
 */
public final class ParallelDownloader implements AutoCloseable {
    private final S3Client s3;
    private final DownloadOptions options;
    private final TransferListener listener;
    private volatile Cancellation current;
    private volatile boolean closed;

    private ParallelDownloader(Builder b) {
        this.s3 = b.s3;
        this.options = b.options;
        this.listener = b.listener;
    }

    public static Builder builder(S3Client s3) {
        return new Builder(s3);
    }

    /**
     * Downloads everything under {@code source} into {@code folder} (created if missing); keys keep their path
     * relative to the prefix.
     *
     * @throws S3DownloadFolderException if the folder cannot be created
     * @throws S3ListingFailedException   if the prefix cannot be listed
     */
    public synchronized TransferReport download(S3Location source, Path folder) {
        return run(source, folder, DownloadRun::runPrefix);
    }

    /** Downloads the given keys (full keys, each under {@code source}'s prefix) into {@code folder}. */
    public synchronized TransferReport download(S3Location source, Iterator<String> keys, Path folder) {
        Objects.requireNonNull(keys, "keys");
        return run(source, folder, r -> r.runKeys(keys));
    }

    private TransferReport run(S3Location source, Path folder, Function<DownloadRun, TransferReport> body) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(folder, "folder");
        if (closed) {
            throw new IllegalStateException("this ParallelDownloader is closed");
        }
        prepareFolder(folder);
        Cancellation c = new Cancellation();
        current = c;
        try {
            return body.apply(new DownloadRun(s3, options, listener, source, folder, c));
        } finally {
            current = null;
        }
    }

    private static void prepareFolder(Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            Path p = folder.toAbsolutePath();
            while (p != null && !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                p = p.getParent();
            }
            if (p != null) {
                throw new S3DownloadFolderException("cannot create download folder " + folder
                        + ": a file is in the way at " + p + "; choose another folder or move that file", folder, e);
            }
            throw new S3DownloadFolderException("cannot create download folder " + folder + ": " + e, folder, e);
        }
    }

    /** Stops the running download promptly; temporary files are removed and it returns a cancelled report. */
    public void cancel() {
        Cancellation c = current;
        if (c != null) {
            c.cancel();
        }
    }

    @Override
    public void close() {
        closed = true;
        cancel();
    }

    /** Configures a {@link ParallelDownloader}. Not thread-safe. */
    public static final class Builder {
        private final S3Client s3;
        private DownloadOptions options = DownloadOptions.defaults();
        private TransferListener listener = TransferListener.none();

        private Builder(S3Client s3) {
            this.s3 = Objects.requireNonNull(s3, "s3");
        }

        public Builder options(DownloadOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        public Builder listener(TransferListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public ParallelDownloader build() {
            return new ParallelDownloader(this);
        }
    }
}
