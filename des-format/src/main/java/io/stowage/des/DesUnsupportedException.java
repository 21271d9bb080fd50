package io.stowage.des;

/**
 * An entry uses a feature this implementation does not implement (flags {@code COMPRESSED}, {@code ENCRYPTED},
 * {@code DELETED} or unknown bits), so its bytes cannot be returned as they were meant to be read.
 *
 * <p>Immutable and thread-safe.
 */
public final class DesUnsupportedException extends DesException {
    private static final long serialVersionUID = 1L;
    private final String archive;
    private final String entry;
    private final int flags;

    public DesUnsupportedException(String archive, String entry, int flags) {
        super(archive + ": entry '" + entry + "' has flags 0x" + Integer.toHexString(flags)
                + " (" + DesEntry.describeFlags(flags) + ") which DES v1 readers here do not implement;"
                + " only IS_EXTERNAL (0x1) is supported");
        this.archive = archive;
        this.entry = entry;
        this.flags = flags;
    }

    /** The archive as the caller named it (path or URL). */
    public String archive() {
        return archive;
    }

    /** The entry's name. */
    public String entry() {
        return entry;
    }

    /** The entry's flags (DES-V1.md). */
    public int flags() {
        return flags;
    }
}
