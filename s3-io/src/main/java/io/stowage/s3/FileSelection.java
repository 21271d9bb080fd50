package io.stowage.s3;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which files a {@link FileTree} walk gives: s3-io's one selection rule, shared by the uploader, the sync ledger and
 * anything else that walks a folder for S3.
 *
 * <pre>{@code
 * FileSelection s = FileSelection.all().withExclude(List.of("**&#47;.git/**")).withExtensions(Set.of("jpg", "mp4"));
 * }</pre>
 *
 * <p>Globs are {@link java.nio.file.FileSystem#getPathMatcher glob} patterns matched against the path relative to
 * the walked folder, with {@code /} separators ({@code "cam*}{@code /**.jpg"}). A file is selected when it matches an
 * include glob (or there are none), no exclude glob, and has one of the extensions (or none are given). A folder that
 * an exclude glob matches (as {@code dir} or {@code dir/}) is not entered at all.
 *
 * <p>Immutable and thread-safe; {@code withX} return validated copies.
 *
 * @param include     include globs; empty means everything
 * @param exclude     exclude globs
 * @param extensions  file extensions without the dot, compared in lower case; empty means any
 * @param followLinks follow symbolic links (loops are detected and reported); off: links are reported as ignored
 */
public record FileSelection(List<String> include, List<String> exclude, Set<String> extensions, boolean followLinks) {

    /**
     * @throws IllegalArgumentException if a glob is not valid
     */
    public FileSelection {
        include = List.copyOf(Objects.requireNonNull(include, "include"));
        exclude = List.copyOf(Objects.requireNonNull(exclude, "exclude"));
        extensions = Objects.requireNonNull(extensions, "extensions").stream()
                .map(e -> (e.startsWith(".") ? e.substring(1) : e).toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        matchers(include);
        matchers(exclude);
    }

    /** Every regular file; links not followed. */
    public static FileSelection all() {
        return new FileSelection(List.of(), List.of(), Set.of(), false);
    }

    public FileSelection withInclude(List<String> include) {
        return new FileSelection(include, exclude, extensions, followLinks);
    }

    public FileSelection withExclude(List<String> exclude) {
        return new FileSelection(include, exclude, extensions, followLinks);
    }

    public FileSelection withExtensions(Set<String> extensions) {
        return new FileSelection(include, exclude, extensions, followLinks);
    }

    public FileSelection withFollowLinks(boolean followLinks) {
        return new FileSelection(include, exclude, extensions, followLinks);
    }

    static List<PathMatcher> matchers(List<String> globs) {
        List<PathMatcher> m = new ArrayList<>(globs.size());
        for (String g : globs) {
            try {
                m.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("glob '" + g + "' is not valid: " + e.getMessage()
                        + "; see java.nio.file.FileSystem#getPathMatcher for the glob syntax", e);
            }
        }
        return m;
    }

    /** A compiled form of a selection for one walk. Not thread-safe (one walk). */
    static final class Matcher {
        private final List<PathMatcher> include;
        private final List<PathMatcher> exclude;
        private final Set<String> extensions;

        Matcher(FileSelection s) {
            this.include = matchers(s.include());
            this.exclude = matchers(s.exclude());
            this.extensions = s.extensions();
        }

        boolean excluded(String rel) {
            if (exclude.isEmpty()) {
                return false;
            }
            Path p = Path.of(rel);
            for (PathMatcher m : exclude) {
                if (m.matches(p)) {
                    return true;
                }
            }
            return false;
        }

        boolean wanted(String rel, String name) {
            if (excluded(rel)) {
                return false;
            }
            if (!include.isEmpty()) {
                Path p = Path.of(rel);
                boolean any = false;
                for (PathMatcher m : include) {
                    if (m.matches(p)) {
                        any = true;
                        break;
                    }
                }
                if (!any) {
                    return false;
                }
            }
            if (!extensions.isEmpty()) {
                int dot = name.lastIndexOf('.');
                String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
                return extensions.contains(ext);
            }
            return true;
        }
    }
}
