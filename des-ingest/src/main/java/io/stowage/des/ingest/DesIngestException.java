package io.stowage.des.ingest;

import io.stowage.des.DesException;

/**
 * Root of every failure des-ingest reports: unchecked, with subclasses named by the failure.
 *
 * <p>{@code try { NodeIdLease.acquire(db, 3, holder, ttl); } catch (DesIngestNodeIdHeldException e) { ... }}
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class DesIngestException extends DesException {
    private static final long serialVersionUID = 1L;

    public DesIngestException(String message) {
        super(message);
    }

    public DesIngestException(String message, Throwable cause) {
        super(message, cause);
    }
}
