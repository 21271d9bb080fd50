package io.stowage.des.ingest;

/**
 * A name prefix breaks the rule of DES-INGEST.md section 4: non-empty ASCII letters and digits (and at most
 * {@link DesNameService#MAX_PREFIX} characters, so that a name fits {@code des_name VARCHAR(255)}). {@code POST /assign}
 * answers 400 with the message.
 *
 * <p>Immutable and thread-safe.
 */
public final class DesIngestInvalidPrefixException extends DesIngestException {
    private static final long serialVersionUID = 1L;
    private final String prefix;

    public DesIngestInvalidPrefixException(String prefix, String message) {
        super(message);
        this.prefix = prefix;
    }

    /** The prefix that was refused (may be null). */
    public String prefix() {
        return prefix;
    }
}
