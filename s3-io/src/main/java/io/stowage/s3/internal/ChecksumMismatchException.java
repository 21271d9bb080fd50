package io.stowage.s3.internal;

/** The store's ETag or the downloaded bytes do not match the MD5 computed here; retried, then the file fails. */
public final class ChecksumMismatchException extends Exception {
    private static final long serialVersionUID = 1L;

    public ChecksumMismatchException(String message) {
        super(message);
    }
}
