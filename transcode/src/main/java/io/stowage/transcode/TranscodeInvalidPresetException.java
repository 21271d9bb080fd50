package io.stowage.transcode;

/**
 * A preset catalogue (JSON) that cannot be parsed or holds an invalid preset; the message names the preset, the
 * field and why, and the accessors give the preset and where it came from.
 *
 * <p>{@code catch (TranscodeInvalidPresetException e) { System.err.println(e.preset() + " in " + e.source()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeInvalidPresetException extends TranscodeException {
    private static final long serialVersionUID = 1L;
    private final String preset;
    private final String source;

    /**
     * @param preset the name of the invalid preset, or {@code null} when the catalogue as a whole is bad
     * @param source the file or text the catalogue came from (e.g. {@code "built-in catalogue"}), or {@code null}
     *     when the preset was built in code
     */
    public TranscodeInvalidPresetException(String preset, String source, String message, Throwable cause) {
        super(message, cause);
        this.preset = preset;
        this.source = source;
    }

    public TranscodeInvalidPresetException(String preset, String source, String message) {
        this(preset, source, message, null);
    }

    /** The name of the invalid preset, or {@code null} when the catalogue as a whole is bad (unreadable, no list). */
    public String preset() {
        return preset;
    }

    /** The file or text the catalogue came from, or {@code null} for a preset built in code. */
    public String source() {
        return source;
    }
}
