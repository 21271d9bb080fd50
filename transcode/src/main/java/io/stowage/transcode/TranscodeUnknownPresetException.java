package io.stowage.transcode;

import java.util.List;

/**
 * A preset name that the catalogue does not hold; the message lists the names it has.
 *
 * <p>{@code catch (TranscodeUnknownPresetException e) { System.err.println(e.name() + " not in " + e.known()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeUnknownPresetException extends TranscodeException {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final List<String> known;

    public TranscodeUnknownPresetException(String name, List<String> known) {
        super("unknown preset '" + name + "'; known presets: " + String.join(", ", known)
                + " (add your own with PresetCatalog.load(file))");
        this.name = name;
        this.known = List.copyOf(known);
    }

    /** The name that was asked for. */
    public String name() {
        return name;
    }

    /** The names the catalogue holds, in its order. */
    public List<String> known() {
        return known;
    }
}
