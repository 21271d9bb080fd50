package io.stowage.s3;

import java.nio.file.Path;

/**
 * A download could not create its target folder (a file is in the way, no permission, a read-only file system), so
 * it did not start.
 *
 * <p>{@code catch (S3DownloadFolderException e) { log.error("cannot write to {}", e.folder()); }}; immutable, so
 * thread-safe.
 */
public final class S3DownloadFolderException extends S3IoException {
    private static final long serialVersionUID = 1L;
    private final transient Path folder;

    public S3DownloadFolderException(String message, Path folder, Throwable cause) {
        super(message, cause);
        this.folder = folder;
    }

    /** The download folder that could not be created. */
    public Path folder() {
        return folder;
    }
}
