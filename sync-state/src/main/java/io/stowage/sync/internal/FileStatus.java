package io.stowage.sync.internal;

import java.util.Locale;

/**
 * The state of one file in the ledger ({@code file_uploads.status}).
 *
 * <p>{@code if (row.status() == FileStatus.UPLOADED) ...}
 *
 * <p>Immutable and thread-safe.
 */
public enum FileStatus {
    /** Known, not uploaded yet (new, changed, failed and queued again, or put back). */
    PENDING,
    /** Claimed by a worker now (or by a crashed one until its claim times out). */
    UPLOADING,
    /** Stored and verified. */
    UPLOADED,
    /** The last attempt failed ({@code last_error} says why). */
    FAILED;

    /** The word stored in the ledger. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status of a stored word. */
    public static FileStatus of(String value) {
        switch (value) {
            case "pending":
                return PENDING;
            case "uploading":
                return UPLOADING;
            case "uploaded":
                return UPLOADED;
            case "failed":
                return FAILED;
            default:
                throw new IllegalArgumentException("unknown file status '" + value + "' in the ledger");
        }
    }
}
