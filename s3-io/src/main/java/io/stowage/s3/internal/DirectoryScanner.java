package io.stowage.s3.internal;

import io.stowage.s3.LocalFile;
import io.stowage.s3.S3Location;
import io.stowage.s3.UploadOptions;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Walks a folder depth-first and streams its regular files in S3 key order (UTF-8 byte order of the relative path),
 * so the caller can merge them with a listing of the prefix without holding either in memory. Memory is the
 * entries of the folders on the current path, never the whole tree. Special files are reported as ignored; with
 * links followed, a link back to a folder on the current path is reported as a loop.
 *
 * <p>Not thread-safe: one scan on one thread.
 */
public final class DirectoryScanner {
    /** Receives what the scan finds. */
    public interface Sink {
        /** A regular file to upload; may block (bounded queue). */
        void file(LocalFile file) throws CancelledException;

        /** An entry left out on purpose. */
        void ignored(String relativePath, String reason);

        /** An entry that could not be read. */
        void failed(String relativePath, String reason);

        /**
         * The subfolders of a folder just listed, as key prefixes ending in '/', in the order the scan will enter
         * them (before any of their files are given): a chance to look them up ahead.
         */
        default void foldersAhead(List<String> keyPrefixes) {}
    }

    private record Entry(Path path, String name, String sortKey, BasicFileAttributes attrs, boolean dir) {}

    private record Frame(String relPrefix, Iterator<Entry> children, Object fileKey) {}

    private final Path root;
    private final UploadOptions options;
    private final S3Location target;
    private final List<PathMatcher> include;
    private final List<PathMatcher> exclude;
    private final Cancellation cancellation;

    public DirectoryScanner(Path root, UploadOptions options, S3Location target, Cancellation cancellation) {
        this.root = root;
        this.options = options;
        this.target = target;
        this.cancellation = cancellation;
        this.include = matchers(options.include());
        this.exclude = matchers(options.exclude());
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        List<PathMatcher> m = new ArrayList<>();
        for (String g : globs) {
            try {
                m.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("glob '" + g + "' is not valid: " + e.getMessage(), e);
            }
        }
        return m;
    }

    /** Normalizes a file name to NFC, as keys are stored. */
    public static String nfc(String name) {
        return Normalizer.isNormalized(name, Normalizer.Form.NFC) ? name : Normalizer.normalize(name, Normalizer.Form.NFC);
    }

    public void scan(Sink sink) throws CancelledException {
        BasicFileAttributes rootAttrs;
        try {
            rootAttrs = Files.readAttributes(root, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read folder " + root + ": " + e, e);
        }
        if (!rootAttrs.isDirectory()) {
            throw new IllegalArgumentException(root + " is not a folder");
        }
        Deque<Frame> stack = new ArrayDeque<>();
        Set<Object> onPath = new HashSet<>();
        Object rootKey = rootAttrs.fileKey();
        if (rootKey != null) {
            onPath.add(rootKey);
        }
        stack.push(new Frame("", list(root, "", sink, onPath), rootKey));
        while (!stack.isEmpty()) {
            cancellation.check();
            Frame top = stack.peek();
            if (!top.children().hasNext()) {
                stack.pop();
                if (top.fileKey() != null) {
                    onPath.remove(top.fileKey());
                }
                continue;
            }
            Entry e = top.children().next();
            String rel = top.relPrefix() + e.name();
            if (e.dir()) {
                Object key = e.attrs().fileKey();
                if (key != null) {
                    onPath.add(key);
                }
                stack.push(new Frame(rel + "/", list(e.path(), rel + "/", sink, onPath), key));
            } else if (wanted(rel, e.name())) {
                sink.file(new LocalFile(e.path(), rel, target.key(rel), e.attrs().size(),
                        e.attrs().lastModifiedTime().toInstant()));
            }
        }
    }

    private boolean excluded(String rel) {
        Path p = Path.of(rel);
        for (PathMatcher m : exclude) {
            if (m.matches(p)) {
                return true;
            }
        }
        return false;
    }

    private boolean wanted(String rel, String name) {
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
        if (!options.extensions().isEmpty()) {
            int dot = name.lastIndexOf('.');
            String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
            return options.extensions().contains(ext);
        }
        return true;
    }

    private Iterator<Entry> list(Path dir, String relPrefix, Sink sink, Set<Object> onPath) {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path child : ds) {
                String name = nfc(child.getFileName().toString());
                String rel = relPrefix + name;
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isSymbolicLink()) {
                        if (!options.followLinks()) {
                            sink.ignored(rel, "symbolic link not followed (follow links is off)");
                            continue;
                        }
                        try {
                            a = Files.readAttributes(child, BasicFileAttributes.class);
                        } catch (NoSuchFileException broken) {
                            sink.ignored(rel, "broken symbolic link to " + Files.readSymbolicLink(child));
                            continue;
                        }
                        if (a.isDirectory() && a.fileKey() != null && onPath.contains(a.fileKey())) {
                            sink.ignored(rel, "symbolic link loop: points back to a folder above it ("
                                    + child.toRealPath() + ")");
                            continue;
                        }
                    }
                } catch (NoSuchFileException gone) {
                    continue;   // deleted between listing and reading: nothing to upload
                } catch (IOException ex) {
                    sink.failed(rel, "cannot read attributes: " + ex);
                    continue;
                }
                if (a.isDirectory()) {
                    if (!excluded(rel) && !excluded(rel + "/")) {   // an excluded folder is not entered at all
                        entries.add(new Entry(child, name, name + "/", a, true));
                    }
                } else if (a.isRegularFile()) {
                    entries.add(new Entry(child, name, name, a, false));
                } else {
                    sink.ignored(rel, "special file (FIFO, socket or device) skipped");
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            sink.failed(relPrefix.isEmpty() ? "." : relPrefix, "folder disappeared while scanning: " + e.getMessage());
        } catch (AccessDeniedException e) {
            sink.failed(relPrefix.isEmpty() ? "." : relPrefix, "permission denied reading folder " + e.getMessage());
        } catch (IOException e) {
            sink.failed(relPrefix.isEmpty() ? "." : relPrefix, "cannot list folder: " + e);
        }
        entries.sort((x, y) -> Utf8Order.compare(x.sortKey(), y.sortKey()));
        List<String> folders = new ArrayList<>();
        for (Entry e : entries) {
            if (e.dir()) {
                folders.add(target.key(relPrefix + e.name() + "/"));
            }
        }
        if (!folders.isEmpty()) {
            sink.foldersAhead(folders);
        }
        return entries.iterator();
    }
}
