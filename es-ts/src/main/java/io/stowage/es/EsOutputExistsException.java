package io.stowage.es;

import java.nio.file.Path;

/**
 * The output file exists and neither overwrite ({@code --force}) nor resume was asked for. Nothing was written.
 *
 * <p>{@code catch (EsOutputExistsException e) { e.path(); }}; immutable and thread-safe.
 */
public final class EsOutputExistsException extends EsException {
    private static final long serialVersionUID = 1L;
    private final transient Path path;

    public EsOutputExistsException(Path path) {
        super(path + " already exists; pass --force (EsFetchOptions.withOverwrite(true)) to replace it");
        this.path = path;
    }

    /** The existing output file. */
    public Path path() {
        return path;
    }
}
