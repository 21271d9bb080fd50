package io.stowage.sync;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * The state of an upload or retry session, as recorded in the ledger and written in JSON (lower case).
 *
 * <p>{@code if (report.status() == SessionStatus.PARTIAL) System.err.println(report.files().failed() + " failed");}
 *
 * <p>Immutable and thread-safe.
 */
public enum SessionStatus {
    /** Still running (its process renews a heartbeat). */
    RUNNING,
    /** Ended; nothing failed. */
    COMPLETED,
    /** Ended; some files failed. */
    PARTIAL,
    /** Cancelled; its unfinished files are pending again. */
    CANCELLED,
    /** The session itself failed (see {@link SessionInfo#error()}). */
    FAILED,
    /** Its process died: no heartbeat for three claim timeouts. */
    INTERRUPTED;

    /** The word recorded in the ledger and written in JSON. */
    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status of a recorded word. */
    public static SessionStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return value();
    }
}
