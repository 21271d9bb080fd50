package io.stowage.s3.internal;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What the downloader tests in {@code io.stowage.s3} may ask of the package-private local-target classes
 * ({@link DirectRegion}, {@link BatchedCommits}, {@link SyncFs}): whether O_DIRECT or syncfs works at a folder and how
 * often they ran in this JVM. Tests run on the class path, so this class in the same package is the one door.
 *
 * <pre>{@code
 * long before = InternalProbes.directRegionsInThisJvm();
 * download(...);
 * assertThat(InternalProbes.directRegionsInThisJvm()).isGreaterThan(before);
 * }</pre>
 *
 * <p>Thread-safe (stateless).
 */
public final class InternalProbes {
    private InternalProbes() {}

    /** Whether an existing file at {@code file} can be opened for O_DIRECT writes. */
    public static boolean directWorks(Path file) throws java.io.IOException {
        try (DirectRegion.Target t = DirectRegion.open(file)) {
            return t != null;
        }
    }

    /** Regions written with O_DIRECT in this JVM so far. */
    public static long directRegionsInThisJvm() {
        return DirectRegion.directRegionsInThisJvm();
    }

    /** Batched syncs (syncfs) run in this JVM so far. */
    public static long batchedSyncsInThisJvm() {
        return BatchedCommits.syncsInThisJvm();
    }

    /** Whether syncfs is used for {@code dir}'s file system. */
    public static boolean syncfsUsedAt(Path dir) {
        Optional<SyncFs> fs = SyncFs.open(dir);
        fs.ifPresent(SyncFs::close);
        return fs.isPresent();
    }
}
