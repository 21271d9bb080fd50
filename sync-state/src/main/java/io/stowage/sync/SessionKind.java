package io.stowage.sync;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * What a session did, as recorded in the ledger and written in JSON (lower case: {@code upload}, {@code retry}).
 *
 * <p>{@code String verb = report.kind() == SessionKind.RETRY ? "retried" : "uploaded";}
 *
 * <p>Immutable and thread-safe.
 */
public enum SessionKind {
    /** An upload of the source folder ({@code stowage upload --project}). */
    UPLOAD,
    /** A retry of failed files ({@code stowage sync retry}). */
    RETRY;

    /** The word recorded in the ledger and written in JSON. */
    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind of a recorded word. */
    public static SessionKind of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return value();
    }
}
