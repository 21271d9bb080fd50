package io.stowage.s3.internal;

/** The transfer was cancelled while this work was running. */
public final class CancelledException extends Exception {
    private static final long serialVersionUID = 1L;

    public CancelledException() {
        super("cancelled", null, false, false);
    }
}
