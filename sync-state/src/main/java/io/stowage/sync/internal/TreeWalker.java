package io.stowage.sync.internal;

import io.stowage.s3.UploadOptions;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Walks the upload folder with the same selection rules as {@code ParallelUploader} (include/exclude globs on the
 * {@code /}-separated relative path, extensions, links skipped unless followed) and reports each regular file's
 * NFC relative path, size and modification time. Not thread-safe: one walk on one thread.
 */
final class TreeWalker {
    /** Receives what the walk finds. */
    interface Visitor {
        /**
         * A selected regular file.
         *
         * @param renamed whether {@code relativePath} (NFC) differs from the name on disk (an NFD name)
         */
        void file(Path file, String relativePath, boolean renamed, long size, long mtimeNs);

        void problem(String relativePath, String reason);
    }

    private final Path root;
    private final List<PathMatcher> include;
    private final List<PathMatcher> exclude;
    private final Set<String> extensions;
    private final boolean followLinks;

    public TreeWalker(Path root, UploadOptions options) {
        this.root = root.toAbsolutePath().normalize();
        this.include = matchers(options.include());
        this.exclude = matchers(options.exclude());
        this.extensions = options.extensions();
        this.followLinks = options.followLinks();
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        List<PathMatcher> m = new ArrayList<>();
        for (String g : globs) {
            m.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
        }
        return m;
    }

    public static long mtimeNs(BasicFileAttributes a) {
        java.time.Instant i = a.lastModifiedTime().toInstant();
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    }

    public static long mtimeNs(java.time.Instant i) {
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    }

    static String nfc(String s) {
        return Normalizer.isNormalized(s, Normalizer.Form.NFC) ? s : Normalizer.normalize(s, Normalizer.Form.NFC);
    }

    /** The key-style relative path of {@code file} under the root. */
    public String relative(Path file) {
        return nfc(root.relativize(file).toString().replace('\\', '/'));
    }

    private boolean selected(String rel) {
        if (include.isEmpty() && exclude.isEmpty() && extensions.isEmpty()) {
            return true;
        }
        Path p = Path.of(rel);
        if (!include.isEmpty() && include.stream().noneMatch(m -> m.matches(p))) {
            return false;
        }
        if (exclude.stream().anyMatch(m -> m.matches(p))) {
            return false;
        }
        if (!extensions.isEmpty()) {
            int dot = rel.lastIndexOf('.');
            int slash = rel.lastIndexOf('/');
            if (dot <= slash) {
                return false;
            }
            return extensions.contains(rel.substring(dot + 1).toLowerCase(Locale.ROOT));
        }
        return true;
    }

    /**
     * Walks with {@code threads} threads, one task per folder (links are not followed, as in {@link #walk}); the
     * visitor is called under its own monitor, one folder's files at a time, in no particular order. With
     * {@code followLinks} (loop detection) or one thread it is {@link #walk}.
     */
    public void walkParallel(Visitor visitor, int threads) throws IOException {
        if (followLinks || threads <= 1) {
            walk(visitor);
            return;
        }
        BasicFileAttributes ra = Files.readAttributes(root, BasicFileAttributes.class);
        if (!ra.isDirectory()) {
            throw new java.nio.file.NotDirectoryException(root.toString());
        }
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads);
        try {
            pool.invoke(new FolderTask(root, visitor));
        } finally {
            pool.shutdownNow();
        }
    }

    private final class FolderTask extends java.util.concurrent.RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient Path dir;
        private final transient Visitor visitor;

        FolderTask(Path dir, Visitor visitor) {
            this.dir = dir;
            this.visitor = visitor;
        }

        @Override
        protected void compute() {
            List<FolderTask> subs = new ArrayList<>();
            List<Object[]> found = new ArrayList<>();
            try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    BasicFileAttributes a;
                    try {
                        a = Files.readAttributes(p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    } catch (IOException e) {
                        synchronized (visitor) {
                            visitor.problem(relative(p), "cannot read: " + e);
                        }
                        continue;
                    }
                    if (a.isDirectory()) {
                        subs.add(new FolderTask(p, visitor));
                    } else if (a.isRegularFile()) {
                        String raw = root.relativize(p).toString().replace('\\', '/');
                        String rel = nfc(raw);
                        if (selected(rel)) {
                            found.add(new Object[] {p, rel, !rel.equals(raw), a.size(), mtimeNs(a)});
                        }
                    }
                }
            } catch (IOException e) {
                synchronized (visitor) {
                    visitor.problem(dir.equals(root) ? "" : relative(dir), "cannot read: " + e);
                }
            }
            if (!found.isEmpty()) {
                synchronized (visitor) {
                    for (Object[] f : found) {
                        visitor.file((Path) f[0], (String) f[1], (Boolean) f[2], (Long) f[3], (Long) f[4]);
                    }
                }
            }
            invokeAll(subs);
        }
    }

    public void walk(Visitor visitor) throws IOException {
        Files.walkFileTree(root, followLinks ? EnumSet.of(FileVisitOption.FOLLOW_LINKS)
                : EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (!attrs.isRegularFile()) {
                            return FileVisitResult.CONTINUE;   // links not followed, special files: as the uploader
                        }
                        String raw = root.relativize(file).toString().replace('\\', '/');
                        String rel = nfc(raw);
                        if (selected(rel)) {
                            visitor.file(file, rel, !rel.equals(raw), attrs.size(), mtimeNs(attrs));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException exc) {
                        String rel = file.equals(root) ? "" : relative(file);
                        visitor.problem(rel, exc instanceof FileSystemLoopException ? "link loop"
                                : "cannot read: " + exc);
                        return FileVisitResult.CONTINUE;
                    }
                });
    }
}
