package io.stowage.des;

/**
 * The archive to write already exists and replacing it was not allowed ({@code DesWriter.Builder.overwrite},
 * {@code --force}); nothing was written.
 *
 * <p>{@code catch (DesOutputExistsException e) { System.err.println(e.path() + " exists"); }}
 *
 * <p>Immutable and thread-safe.
 */
public final class DesOutputExistsException extends DesException {
    private static final long serialVersionUID = 1L;
    private final String path;

    /**
     * @param path    the existing output as named: a local path or an {@code s3://bucket/key} URL
     * @param message the message, naming the output and how to replace it
     */
    public DesOutputExistsException(String path, String message) {
        super(message);
        this.path = path;
    }

    /** The existing output as named: a local path or an {@code s3://bucket/key} URL. */
    public String path() {
        return path;
    }
}
