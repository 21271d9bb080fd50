package io.stowage.des;

import java.io.IOException;

/**
 * An I/O failure while reading or writing an archive (disk, network, missing external object), wrapped so that
 * {@link DesException} is the only exception type callers handle. The cause is the original {@link IOException}.
 *
 * <p>Immutable and thread-safe.
 */
public final class DesIoException extends DesException {
    private static final long serialVersionUID = 1L;

    public DesIoException(String message, IOException cause) {
        super(message + ": " + cause, cause);
    }
}
