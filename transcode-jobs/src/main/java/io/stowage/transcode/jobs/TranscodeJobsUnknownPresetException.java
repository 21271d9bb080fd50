package io.stowage.transcode.jobs;

import java.util.List;

/**
 * The preset named in a submit does not exist. Nothing was stored or queued.
 *
 * <p>{@code catch (TranscodeJobsUnknownPresetException e) { respond(400, "choose one of " + e.known()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeJobsUnknownPresetException extends TranscodeJobsException {
    private static final long serialVersionUID = 1L;
    private final String preset;
    private final List<String> known;

    public TranscodeJobsUnknownPresetException(String preset, List<String> known) {
        super("unknown preset '" + preset + "'; known presets: " + String.join(", ", known)
                + " (stowage presets lists them)");
        this.preset = preset;
        this.known = List.copyOf(known);
    }

    /** The preset name as given. */
    public String preset() {
        return preset;
    }

    /** The presets that exist. */
    public List<String> known() {
        return known;
    }
}
