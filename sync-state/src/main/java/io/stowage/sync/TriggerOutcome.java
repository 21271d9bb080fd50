package io.stowage.sync;

import java.time.Instant;

/**
 * What happened when a session summary was POSTed to its trigger URL; recorded on the session.
 *
 * <p>{@code if (!outcome.delivered()) System.err.println("trigger failed: " + outcome.error());}
 *
 * <p>Immutable and thread-safe.
 *
 * @param url        where it was sent
 * @param status     {@code delivered} (a 2xx answer) or {@code failed}
 * @param attempts   requests made
 * @param httpStatus the last HTTP status, or {@code null} when no answer came
 * @param error      why it failed (the last attempt), or {@code null}
 * @param at         when the last attempt ended
 */
public record TriggerOutcome(String url, String status, int attempts, Integer httpStatus, String error, Instant at) {
    /** Status of a summary the receiver accepted (2xx). */
    public static final String DELIVERED = "delivered";
    /** Status of a summary that was not accepted after every attempt. */
    public static final String FAILED = "failed";

    /** Whether the receiver accepted it. */
    public boolean delivered() {
        return DELIVERED.equals(status);
    }
}
