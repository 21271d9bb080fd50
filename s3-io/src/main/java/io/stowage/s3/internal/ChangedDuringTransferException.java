package io.stowage.s3.internal;

import java.io.IOException;

/** A local file's size or modification time changed while it was uploaded; it is tried again later. */
public final class ChangedDuringTransferException extends IOException {
    private static final long serialVersionUID = 1L;

    public ChangedDuringTransferException(String message) {
        super(message);
    }
}
