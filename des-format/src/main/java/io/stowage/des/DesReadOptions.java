package io.stowage.des;

/**
 * How a reader reads: validated, immutable; {@code withX} returns a changed copy.
 *
 * <p>{@code DesReadOptions o = DesReadOptions.defaults().withExternalStore(ExternalStore.directory(root));}
 *
 * @param verifyChecksums verify Stowage's {@code crc32c} of every payload read (default on; archives without the
 *                        checksums are read unverified)
 * @param externalStore   where external entries are read from; {@code null}: reading one is an error naming the fix
 * @param archiveKey      the archive's key in its store, e.g. {@code 2025-01-15/shard_07/day.des}; used to derive
 *                        {@code {folder}/_bigFiles/{name}} for external entries without {@code external_key}
 * @param mergeGap        {@code readAll} merges two payloads into one read when at most this many bytes separate
 *                        them (default 64 KiB)
 * @param maxMergedRead   upper bound of one merged read in bytes (default 16 MiB)
 * @param memoryMap       map local archives into memory for reads (default on; the fastest path for random reads)
 */
public record DesReadOptions(boolean verifyChecksums, ExternalStore externalStore, String archiveKey, long mergeGap,
                             long maxMergedRead, boolean memoryMap) {
    public DesReadOptions {
        if (mergeGap < 0) {
            throw new IllegalArgumentException("mergeGap " + mergeGap + " must be >= 0 bytes");
        }
        if (maxMergedRead < 1 || maxMergedRead > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxMergedRead " + maxMergedRead + " must be between 1 and "
                    + (Integer.MAX_VALUE - 8) + " bytes");
        }
    }

    /** Checksums verified, no external store, 64 KiB merge gap, 16 MiB largest merged read, memory mapping on. */
    public static DesReadOptions defaults() {
        return new DesReadOptions(true, null, null, 64 * 1024, 16 * 1024 * 1024, true);
    }

    public DesReadOptions withVerifyChecksums(boolean v) {
        return new DesReadOptions(v, externalStore, archiveKey, mergeGap, maxMergedRead, memoryMap);
    }

    public DesReadOptions withExternalStore(ExternalStore v) {
        return new DesReadOptions(verifyChecksums, v, archiveKey, mergeGap, maxMergedRead, memoryMap);
    }

    public DesReadOptions withArchiveKey(String v) {
        return new DesReadOptions(verifyChecksums, externalStore, v, mergeGap, maxMergedRead, memoryMap);
    }

    public DesReadOptions withMergeGap(long v) {
        return new DesReadOptions(verifyChecksums, externalStore, archiveKey, v, maxMergedRead, memoryMap);
    }

    public DesReadOptions withMaxMergedRead(long v) {
        return new DesReadOptions(verifyChecksums, externalStore, archiveKey, mergeGap, v, memoryMap);
    }

    public DesReadOptions withMemoryMap(boolean v) {
        return new DesReadOptions(verifyChecksums, externalStore, archiveKey, mergeGap, maxMergedRead, v);
    }

    /** The key an external entry is stored under: its {@code external_key}, else derived from the archive key. */
    public String externalKeyOf(DesEntry e) {
        if (e.externalKey() != null) {
            return e.externalKey();
        }
        String folder = "";
        if (archiveKey != null) {
            int slash = archiveKey.lastIndexOf('/');
            folder = slash >= 0 ? archiveKey.substring(0, slash + 1) : "";
        }
        return folder + "_bigFiles/" + e.name();
    }
}
