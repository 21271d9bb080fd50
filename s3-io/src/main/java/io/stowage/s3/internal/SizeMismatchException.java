package io.stowage.s3.internal;

/**
 * The store's GET disagrees with the size the listing (or HEAD) gave for an object: its {@code Content-Length} or
 * {@code Content-Range} says another size, or the body had another length. Not retried (the listing would still say
 * the same); the file fails with this message.
 */
public final class SizeMismatchException extends Exception {
    private static final long serialVersionUID = 1L;

    public SizeMismatchException(String message) {
        super(message);
    }
}
