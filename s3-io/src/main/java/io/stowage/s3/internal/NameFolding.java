package io.stowage.s3.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whether the file system of a download's folder tells apart names that differ only in case ({@code A.jpg},
 * {@code a.jpg}: macOS, Windows, ext4 casefold) or only in Unicode normalization ({@code café} NFC and NFD: macOS):
 * where it does not, two keys can be one local file. Probed once per run with two small files, removed at once.
 * Immutable; thread-safe.
 *
 * <pre>{@code
 * NameFolding f = NameFolding.probe(root);
 * if (f.folds()) claims.putIfAbsent(f.fold(target.toString()), key);
 * }</pre>
 */
record NameFolding(boolean foldsCase, boolean foldsNormalization) {
    /** Tests only: what {@link #probe} answers instead of probing, or null. */
    static volatile NameFolding forTests;

    static final NameFolding NONE = new NameFolding(false, false);

    /** Whether any two different names can be one file here. */
    boolean folds() {
        return foldsCase || foldsNormalization;
    }

    /** The form two names share when they are one file here. */
    String fold(String path) {
        String p = foldsNormalization ? Normalizer.normalize(path, Normalizer.Form.NFC) : path;
        return foldsCase ? p.toLowerCase(Locale.ROOT) : p;
    }

    /** Probes the file system of {@code root} (or its nearest existing ancestor). */
    static NameFolding probe(Path root) {
        NameFolding t = forTests;
        if (t != null) {
            return t;
        }
        Path at = root;
        while (at != null && !Files.isDirectory(at)) {
            at = at.getParent();
        }
        if (at == null) {
            return NONE;
        }
        String tag = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return new NameFolding(sameFile(at, ".stowage-probe-Ab-" + tag, ".stowage-probe-aB-" + tag),
                sameFile(at, ".stowage-probe-\u00e9-" + tag, ".stowage-probe-e\u0301-" + tag));
    }

    private static boolean sameFile(Path dir, String made, String asked) {
        Path file = null;
        try {
            file = Files.createFile(dir.resolve(made));
            return Files.exists(dir.resolve(asked));
        } catch (IOException | InvalidPathException | UnsupportedOperationException e) {
            return false;   // read-only, or a name this JVM cannot hold: nothing known, nothing claimed
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a probe file left behind is harmless
                }
            }
        }
    }
}
