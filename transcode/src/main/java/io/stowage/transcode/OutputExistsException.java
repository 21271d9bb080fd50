package io.stowage.transcode;

import java.nio.file.Path;

/**
 * The output file already exists and the request does not allow overwriting it.
 *
 * <p>{@code catch (OutputExistsException e) { transcoder.transcode(request.withOverwrite(true)); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class OutputExistsException extends TranscodeException {
    private static final long serialVersionUID = 1L;
    private final transient Path output;

    public OutputExistsException(Path output) {
        super(output + ": output exists; choose another name or allow overwriting (withOverwrite(true), --force)");
        this.output = output;
    }

    /** The existing output. */
    public Path output() {
        return output;
    }
}
