package io.stowage.sync;

import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;
import java.util.Locale;

/**
 * What happened when a session summary was POSTed to its trigger URL; recorded on the session.
 *
 * <p>{@code if (!report.delivered()) System.err.println("trigger failed: " + report.error());}
 *
 * <p>Immutable and thread-safe.
 *
 * @param url        where it was sent
 * @param status     {@link Status#DELIVERED} (a 2xx answer) or {@link Status#FAILED}
 * @param attempts   requests made
 * @param httpStatus the last HTTP status, or {@code null} when no answer came
 * @param error      why it failed (the last attempt), or {@code null}
 * @param at         when the last attempt ended
 */
public record TriggerReport(String url, Status status, int attempts, Integer httpStatus, String error, Instant at) {
    /** Whether the receiver accepted the summary; written as {@code delivered} / {@code failed}. */
    public enum Status {
        /** The receiver answered 2xx. */
        DELIVERED,
        /** No 2xx answer after every attempt (or a 4xx refusal). */
        FAILED;

        /** The word recorded in the ledger and written in JSON. */
        @JsonValue
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The status of a recorded word. */
        public static Status of(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return value();
        }
    }

    /** Whether the receiver accepted it. */
    public boolean delivered() {
        return status == Status.DELIVERED;
    }
}
