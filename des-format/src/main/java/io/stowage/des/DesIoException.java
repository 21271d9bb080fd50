package io.stowage.des;

import java.io.IOException;

/**
 * An I/O failure while reading or writing an archive (disk, network, missing external object), wrapped so that
 * {@link DesException} is the only exception type callers handle. The cause is the original {@link IOException}.
 *
 * <p>{@code catch (DesIoException e) { log.warn("{} failed: {}", e.target(), e.getCause().getMessage()); }}
 *
 * <p>Immutable and thread-safe.
 */
public final class DesIoException extends DesException {
    private static final long serialVersionUID = 1L;
    private final String target;

    /**
     * @param target  the archive, file or object the I/O was on, as named (path or URL)
     * @param message what could not be done, e.g. {@code "day.des: cannot read payload at offset 16"}
     */
    public DesIoException(String target, String message, IOException cause) {
        super(message + ": " + cause, cause);
        this.target = target;
    }

    /** The archive, file or object the failed I/O was on, as named (a path or an {@code s3://} URL). */
    public String target() {
        return target;
    }

    /** The original I/O failure. */
    @Override
    public synchronized IOException getCause() {
        return (IOException) super.getCause();
    }
}
