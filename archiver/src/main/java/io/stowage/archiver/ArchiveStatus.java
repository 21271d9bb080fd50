package io.stowage.archiver;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * How a run ended.
 *
 * <p>{@code int exit = switch (report.status()) { case COMPLETE -> 0; case PARTIAL -> 3; case INTERRUPTED -> 130; };}
 *
 * <p>Immutable, so thread-safe.
 */
public enum ArchiveStatus {
    /** Every action done, the size cap (if any) met. */
    COMPLETE,
    /** Finished, but some actions failed or the size cap could not be met. */
    PARTIAL,
    /** Stopped by {@link CameraArchiver#cancel()} (a signal): running transcodes were stopped, sources untouched. */
    INTERRUPTED;

    /** The JSON and human name: lower case. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
