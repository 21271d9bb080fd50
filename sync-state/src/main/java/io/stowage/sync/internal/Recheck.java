package io.stowage.sync.internal;

/**
 * What a worker asks the store before it uploads a claimed file ({@code file_uploads.recheck}, stored as 0, 1, 2).
 * Thread-safe.
 */
enum Recheck {
    /** Upload it: the ledger knows the store lacks it, or has an older version (a listing decided, or it changed). */
    NONE,
    /**
     * HEAD it and skip it when size and MD5 match: an attempt may have stored it (failed, cancelled or in flight when
     * its worker died), or the ledger has no checksum to compare.
     */
    SAME_SIZE_AND_CHECKSUM,
    /** HEAD it and skip it when the size matches (with {@code verify_checksums}: and the MD5): new to the ledger. */
    SAME_SIZE;

    /** The stored number. */
    int code() {
        return ordinal();
    }

    /** The recheck of a stored number. */
    static Recheck of(int code) {
        return values()[code];
    }
}
