package io.stowage.archiver;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * What an {@link ArchiveAction} does.
 *
 * <p>{@code if (a.action() == ArchiveActionType.TRANSCODE) bytes += a.bytes();}
 *
 * <p>Immutable, so thread-safe.
 */
public enum ArchiveActionType {
    /** Transcode the recording at {@code path} to {@code target} (verified before it gets its name). */
    TRANSCODE,
    /** Move {@code path} (and its JPG) to {@code target} in the trash, once its output is verified. */
    TRASH,
    /** Delete {@code path} for good (a source with {@code --delete}, or cleanup of trash and outputs). */
    DELETE,
    /** Leave {@code path} alone this run; {@code reason} says why. */
    SKIP;

    /** The JSON and human name: lower case. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
