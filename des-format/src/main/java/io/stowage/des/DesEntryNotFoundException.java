package io.stowage.des;

/**
 * The archive has no entry of the requested name.
 *
 * <p>{@code try { r.read("x.jpg"); } catch (DesEntryNotFoundException e) { log(e.entry()); }}
 *
 * <p>Immutable and thread-safe.
 */
public final class DesEntryNotFoundException extends DesException {
    private static final long serialVersionUID = 1L;
    private final String archive;
    private final String entry;

    public DesEntryNotFoundException(String archive, String entry) {
        super(archive + ": no entry named '" + entry + "' (list the names with `stowage des ls " + archive + "`)");
        this.archive = archive;
        this.entry = entry;
    }

    public String archive() {
        return archive;
    }

    public String entry() {
        return entry;
    }
}
