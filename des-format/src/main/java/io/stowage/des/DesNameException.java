package io.stowage.des;

/**
 * An entry name breaks the naming rules (DES-V1.md and Stowage's unpack safety): empty, over 65535 UTF-8 bytes,
 * containing one of {@code / \ : * ? " < > |} or a control character, {@code "."} or {@code ".."}, or a duplicate
 * within one archive being written.
 *
 * <p>Immutable and thread-safe.
 */
public final class DesNameException extends DesException {
    private static final long serialVersionUID = 1L;
    private final String name;

    public DesNameException(String name, String message) {
        super(message);
        this.name = name;
    }

    /** The offending name. */
    public String name() {
        return name;
    }
}
