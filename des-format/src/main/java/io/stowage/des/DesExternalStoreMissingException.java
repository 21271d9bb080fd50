package io.stowage.des;

/**
 * An entry's payload is stored outside the archive, but no external store was given to read it from
 * ({@code --external-root DIR}, or {@link DesReadOptions#withExternalStore}).
 *
 * <p>{@code catch (DesExternalStoreMissingException e) { log.warn("{} needs the store holding {}", e.archive(),
 * e.key()); }}
 *
 * <p>Immutable and thread-safe.
 */
public final class DesExternalStoreMissingException extends DesException {
    private static final long serialVersionUID = 1L;
    private final String archive;
    private final String entry;
    private final String key;

    /**
     * @param archive the archive as named (path or {@code s3://} URL)
     * @param entry   the external entry's name
     * @param key     the key its payload is stored under in the external store
     */
    public DesExternalStoreMissingException(String archive, String entry, String key) {
        super(archive + ": entry '" + entry + "' is stored outside the archive under '" + key
                + "'; give the external store (--external-root DIR, or DesReadOptions.withExternalStore)");
        this.archive = archive;
        this.entry = entry;
        this.key = key;
    }

    /** The archive as named. */
    public String archive() {
        return archive;
    }

    /** The external entry's name. */
    public String entry() {
        return entry;
    }

    /** The key its payload is stored under in the external store. */
    public String key() {
        return key;
    }
}
