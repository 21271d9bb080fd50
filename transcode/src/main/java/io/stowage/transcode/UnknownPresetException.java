package io.stowage.transcode;

import java.util.List;

/**
 * A preset name that the catalogue does not hold; the message lists the names it has.
 *
 * <p>{@code catch (UnknownPresetException e) { System.err.println(e.getMessage()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class UnknownPresetException extends TranscodeException {
    private static final long serialVersionUID = 1L;
    private final String name;

    public UnknownPresetException(String name, List<String> known) {
        super("unknown preset '" + name + "'; known presets: " + String.join(", ", known)
                + " (add your own with PresetCatalog.load(file))");
        this.name = name;
    }

    /** The name that was asked for. */
    public String name() {
        return name;
    }
}
