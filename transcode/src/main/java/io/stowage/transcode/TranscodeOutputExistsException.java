package io.stowage.transcode;

import java.nio.file.Path;

/**
 * The output file already exists and the request does not allow overwriting it.
 *
 * <p>{@code catch (TranscodeOutputExistsException e) { transcoder.transcode(request.withOverwrite(true)); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeOutputExistsException extends TranscodeException {
    private static final long serialVersionUID = 1L;
    private final transient Path path;

    public TranscodeOutputExistsException(Path path) {
        super(path + ": output exists; choose another name or allow overwriting (withOverwrite(true), --force)");
        this.path = path;
    }

    /** The existing output. */
    public Path path() {
        return path;
    }
}
