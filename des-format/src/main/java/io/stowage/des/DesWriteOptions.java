package io.stowage.des;

/**
 * How a writer writes: validated, immutable; {@code withX} returns a changed copy. Given to
 * {@link DesWriter.Builder#options(DesWriteOptions)}; the builder's setters ({@code checksums}, {@code overwrite}, ...)
 * are shortcuts that change one field of it.
 *
 * <pre>{@code
 * DesWriteOptions o = DesWriteOptions.defaults().withOverwrite(true)
 *         .withExternalStore(ExternalStore.directory(root), "2025-01-15/shard_07");
 * try (DesWriter w = DesWriter.builder(out).options(o).build()) { ... }
 * }</pre>
 *
 * <p>Immutable and thread-safe (the external store is shared, not copied).
 *
 * @param checksums           write Stowage's checksums (default true); false writes exactly what the reference writes
 * @param externalThreshold   payloads of at least this many bytes go to the external store, when one is set
 *                            (default 100 MiB)
 * @param externalStore       where big payloads go, under {@code {externalPrefix}/_bigFiles/{name}}; {@code null}
 *                            (default): every payload is stored inside the archive
 * @param externalPrefix      the key prefix in the external store without a trailing {@code /} (usually the archive's
 *                            folder in its bucket); {@code ""} for {@code _bigFiles/{name}}
 * @param allowDuplicateNames accept the same name twice (default false: {@link DesNameException}); readers return the
 *                            last one; only for rewriting archives that already hold duplicates
 * @param overwrite           replace an existing file at the target path (default false:
 *                            {@link DesOutputExistsException})
 */
public record DesWriteOptions(boolean checksums, long externalThreshold, ExternalStore externalStore,
                              String externalPrefix, boolean allowDuplicateNames, boolean overwrite) {
    public DesWriteOptions {
        if (externalThreshold < 0) {
            throw new IllegalArgumentException("external threshold " + externalThreshold + " must be >= 0 bytes");
        }
        String p = externalPrefix == null ? "" : externalPrefix;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        externalPrefix = p;
    }

    /** Checksums on, 100 MiB external threshold, no external store, no duplicate names, no overwrite. */
    public static DesWriteOptions defaults() {
        return new DesWriteOptions(true, 100L << 20, null, "", false, false);
    }

    public DesWriteOptions withChecksums(boolean v) {
        return new DesWriteOptions(v, externalThreshold, externalStore, externalPrefix, allowDuplicateNames,
                overwrite);
    }

    public DesWriteOptions withExternalThreshold(long bytes) {
        return new DesWriteOptions(checksums, bytes, externalStore, externalPrefix, allowDuplicateNames, overwrite);
    }

    /** The external store and the key prefix big payloads are stored under (trailing {@code /} removed). */
    public DesWriteOptions withExternalStore(ExternalStore store, String prefix) {
        return new DesWriteOptions(checksums, externalThreshold, store, prefix, allowDuplicateNames, overwrite);
    }

    public DesWriteOptions withAllowDuplicateNames(boolean v) {
        return new DesWriteOptions(checksums, externalThreshold, externalStore, externalPrefix, v, overwrite);
    }

    public DesWriteOptions withOverwrite(boolean v) {
        return new DesWriteOptions(checksums, externalThreshold, externalStore, externalPrefix, allowDuplicateNames,
                v);
    }
}
