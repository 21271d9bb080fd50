package io.stowage.s3;

/**
 * Decides whether {@link ParallelUploader} skips a file because the store already has it. The uploader lists the
 * prefix once (pages of 1,000 keys, no request per file) and passes what the listing shows for the file's key; a
 * policy that keeps its own record (the sync ledger) returns {@code false} from {@link #needsListing()} and gets
 * {@code null}.
 *
 * <pre>{@code
 * uploader.upload(dir, target);                                    // SkipPolicy.sameSize(), like rclone --size-only
 * ParallelUploader.builder(s3).skipPolicy(SkipPolicy.sameSizeAndChecksum(options)).build();   // --checksum
 * ParallelUploader.builder(s3).skipPolicy(SkipPolicy.never()).build();                 // --force
 * }</pre>
 *
 * <p>Implementations are called from several uploader threads at once and must be thread-safe.
 */
@FunctionalInterface
public interface SkipPolicy {
    /**
     * Whether to skip {@code file}.
     *
     * @param file   the local file
     * @param remote the listed object with the same key, or {@code null} if none (or no listing was made)
     * @throws java.io.IOException if the file cannot be read for the decision (the file then fails with the reason)
     */
    boolean skip(LocalFile file, RemoteObject remote) throws java.io.IOException;

    /** Whether the uploader should list the prefix and pass listed objects to {@link #skip}. */
    default boolean needsListing() {
        return true;
    }

    /** Upload everything ({@code --force}); lists nothing. */
    static SkipPolicy never() {
        return new SkipPolicy() {
            @Override
            public boolean skip(LocalFile file, RemoteObject remote) {
                return false;
            }

            @Override
            public boolean needsListing() {
                return false;
            }

            @Override
            public String toString() {
                return "never";
            }
        };
    }

    /** Skip when an object with the same key and size exists (rclone's {@code --size-only}). The default. */
    static SkipPolicy sameSize() {
        return new SkipPolicy() {
            @Override
            public boolean skip(LocalFile file, RemoteObject remote) {
                return remote != null && remote.size() == file.size();
            }

            @Override
            public String toString() {
                return "same size";
            }
        };
    }

    /**
     * Skip when the size matches and the ETag equals the local MD5: for single-part objects the file's MD5, for
     * multipart objects the MD5 of part MD5s computed with the part size {@code options} would use (so objects
     * uploaded by Stowage with the same options compare exactly; others are uploaded again). Reads each candidate
     * file once.
     */
    static SkipPolicy sameSizeAndChecksum(UploadOptions options) {
        return new SkipPolicy() {
            @Override
            public boolean skip(LocalFile file, RemoteObject remote) throws java.io.IOException {
                if (remote == null || remote.size() != file.size()) {
                    return false;
                }
                return ETags.matches(file.path(), file.size(), remote.eTag(), options.partSizeFor(file.size()));
            }

            @Override
            public String toString() {
                return "same size and checksum";
            }
        };
    }
}
