package io.stowage.des.s3;

import io.stowage.des.DesException;

/**
 * The archive object was replaced while it was being read, and kept changing: {@link S3DesReader} sends every
 * payload GET with {@code If-Match} (and compares the answer's ETag), reloads the index when the object changed and
 * repeats the read; after three attempts it gives up with this. No byte of a replaced object is ever returned.
 *
 * <pre>{@code
 * try {
 *     r.read("cam-01.jpg");
 * } catch (DesS3ArchiveChangedException e) {
 *     retryLater(e.archive());          // a writer is replacing it right now
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class DesS3ArchiveChangedException extends DesException {
    private static final long serialVersionUID = 1L;
    private final String archive;
    private final String expectedETag;
    private final String actualETag;

    DesS3ArchiveChangedException(String archive, String expectedETag, String actualETag, String message) {
        super(message);
        this.archive = archive;
        this.expectedETag = expectedETag;
        this.actualETag = actualETag;
    }

    /** The archive, {@code s3://bucket/key}. */
    public String archive() {
        return archive;
    }

    /** The ETag the index was read from (what the read asked for with {@code If-Match}), or null when unknown. */
    public String expectedETag() {
        return expectedETag;
    }

    /** The ETag the store answered with, or null when it only said 412 (Precondition Failed). */
    public String actualETag() {
        return actualETag;
    }
}
