package io.stowage.s3.internal;

import java.io.IOException;

/** A local file operation failed (missing file, permission, not a file): never retried, unlike network I/O. */
public final class LocalFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public LocalFileException(String message, IOException cause) {
        super(message, cause);
    }
}
