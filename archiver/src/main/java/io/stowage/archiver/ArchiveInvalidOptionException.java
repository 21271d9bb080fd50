package io.stowage.archiver;

/**
 * An option has a value the archiver cannot use (a pattern without the needed groups, a negative duration, ...).
 *
 * <p>{@code catch (ArchiveInvalidOptionException e) { System.err.println(e.option() + ": " + e.getMessage()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class ArchiveInvalidOptionException extends ArchiveException {
    private static final long serialVersionUID = 1L;
    private final String option;
    private final String value;

    public ArchiveInvalidOptionException(String option, String value, String problem) {
        super(option + " " + value + ": " + problem);
        this.option = option;
        this.value = value;
    }

    /** The option's name, e.g. {@code "pattern"}. */
    public String option() {
        return option;
    }

    /** The value given. */
    public String value() {
        return value;
    }
}
