package io.stowage.s3;

import io.stowage.s3.internal.LocalNames;
import io.stowage.s3.internal.Utf8Order;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * s3-io's one directory walker: walks a folder depth-first and gives its selected regular files in S3 key order
 * (UTF-8 byte order of the relative path), keyed by their relative path in Unicode NFC with {@code /} separators, so
 * a caller can merge them with a listing of the prefix without holding either in memory. Memory is the entries of the
 * folders on the current path, never the whole tree. Each file is statted once, by the walk: {@link LocalFile} carries
 * its size and modification time. Special files and a download's temporary files ({@code .NAME.stowage-part-HEX}) are
 * reported as ignored; names that would be one key (NFC and NFD forms, or bytes that are not UTF-8) are each reported
 * failed, naming the others, and not given; a name this JVM cannot represent (a non-UTF-8 locale) is reported failed;
 * with links followed, a link back to a folder
 * on the current path is reported as a loop.
 *
 * <pre>{@code
 * FileTree.walk(Path.of("photos"), FileSelection.all(), f -> System.out.println(f.key() + " " + f.size()));
 * FileTree.walk(root, selection, "day1/", new FileTree.Visitor() {
 *     public void onFile(LocalFile f) { queue.add(f); }
 *     public void onFailed(String rel, String reason) { log.warn("{}: {}", rel, reason); }
 * });
 * }</pre>
 *
 * <p>Thread-safety: a walk runs on the calling thread and calls the visitor from it; walks are independent.
 */
public final class FileTree {
    /**
     * Hears what a walk finds, on the walking thread. An unchecked exception thrown by a method ends the walk and
     * propagates out of {@link #walk}.
     */
    public interface Visitor {
        /** A selected regular file (may block: a bounded queue). */
        void onFile(LocalFile file);

        /** An entry left out on purpose (a link not followed, a loop, a special file), with the reason. */
        default void onIgnored(String relativePath, String reason) {}

        /** An entry or folder that could not be read, with the reason. */
        default void onFailed(String relativePath, String reason) {}

        /**
         * The subfolders of a folder just listed, as keys ending in '/', in the order the walk will enter them
         * (before any of their files are given): a chance to look them up ahead.
         */
        default void onFoldersAhead(List<String> keyPrefixes) {}

        /** Checked before each entry: {@code true} ends the walk quietly (e.g. a cancelled transfer). */
        default boolean isStopped() {
            return false;
        }
    }

    private record Entry(Path path, String name, String sortKey, BasicFileAttributes attrs, boolean dir) {}

    private record Frame(String relPrefix, Iterator<Entry> children, Object fileKey) {}

    private final Path root;
    private final FileSelection.Matcher matcher;
    private final boolean followLinks;
    private final String keyPrefix;
    private final Visitor visitor;

    private FileTree(Path root, FileSelection selection, String keyPrefix, Visitor visitor) {
        this.root = Objects.requireNonNull(root, "root");
        this.matcher = new FileSelection.Matcher(Objects.requireNonNull(selection, "selection"));
        this.followLinks = selection.followLinks();
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
        this.visitor = Objects.requireNonNull(visitor, "visitor");
    }

    /**
     * Walks {@code root} and gives each selected file to {@code sink}, keyed by its relative path; entries left out
     * or unreadable are skipped silently (use the {@link Visitor} form to hear about them).
     *
     * @throws IllegalArgumentException if {@code root} is not a readable folder
     */
    public static void walk(Path root, FileSelection selection, Consumer<LocalFile> sink) {
        Objects.requireNonNull(sink, "sink");
        walk(root, selection, "", sink::accept);
    }

    /**
     * Walks {@code root}; each selected file's key is {@code keyPrefix} followed by its relative path.
     *
     * @throws IllegalArgumentException if {@code root} is not a readable folder
     */
    public static void walk(Path root, FileSelection selection, String keyPrefix, Visitor visitor) {
        new FileTree(root, selection, keyPrefix, visitor).run();
    }

    /** A file name (or relative path) in Unicode NFC, as keys are stored. */
    public static String nfc(String name) {
        return Normalizer.isNormalized(name, Normalizer.Form.NFC) ? name : Normalizer.normalize(name, Normalizer.Form.NFC);
    }

    private void run() {
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
        stack.push(new Frame("", list(root, "", onPath), rootKey));
        while (!stack.isEmpty()) {
            if (visitor.isStopped()) {
                return;
            }
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
                stack.push(new Frame(rel + "/", list(e.path(), rel + "/", onPath), key));
            } else if (matcher.wanted(rel, e.name())) {
                visitor.onFile(new LocalFile(e.path(), rel, keyPrefix + rel, e.attrs().size(),
                        e.attrs().lastModifiedTime().toInstant()));
            }
        }
    }

    /**
     * Entries of one folder whose names differ on disk but are one key (Unicode NFC and NFD forms, or bytes that are
     * not UTF-8, each shown as U+FFFD): each would overwrite the other in the store, so none of them is given; each
     * fails with a reason naming the others by their bytes. Sorted by key, such entries are neighbours.
     */
    private void dropCollisions(List<Entry> entries, String relPrefix) {
        for (int i = 0; i < entries.size(); ) {
            int j = i + 1;
            while (j < entries.size() && entries.get(j).sortKey().equals(entries.get(i).sortKey())) {
                j++;
            }
            if (j - i > 1) {
                List<Entry> same = new ArrayList<>(entries.subList(i, j));
                for (Entry e : same) {
                    StringBuilder others = new StringBuilder();
                    for (Entry o : same) {
                        if (o != e) {
                            others.append(others.length() == 0 ? "" : ", ").append('\'')
                                    .append(LocalNames.shown(o.path())).append('\'');
                        }
                    }
                    visitor.onFailed(relPrefix + e.name() + (e.dir() ? "/" : ""), "local " + (e.dir() ? "folder '"
                            : "file '") + LocalNames.shown(e.path()) + "' and " + others + " map to the same key '"
                            + keyPrefix + relPrefix + e.name() + "' (names that differ only in Unicode normalization"
                            + " or in bytes that are not UTF-8, shown here as bytes): neither is uploaded, as one would"
                            + " overwrite the other; rename one of them");
                }
                entries.subList(i, j).clear();
            } else {
                i = j;
            }
        }
    }

    private Iterator<Entry> list(Path dir, String relPrefix, Set<Object> onPath) {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path child : ds) {
                String decoded = child.getFileName().toString();
                String name = nfc(decoded);
                String rel = relPrefix + name;
                if (LocalNames.unrepresentable(decoded)) {
                    visitor.onFailed(rel, "file name " + LocalNames.shown(child) + " (its bytes) cannot be represented: "
                            + LocalNames.localeHint());
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isSymbolicLink()) {
                        if (!followLinks) {
                            visitor.onIgnored(rel, "symbolic link not followed (follow links is off)");
                            continue;
                        }
                        try {
                            a = Files.readAttributes(child, BasicFileAttributes.class);
                        } catch (NoSuchFileException broken) {
                            visitor.onIgnored(rel, "broken symbolic link to " + Files.readSymbolicLink(child));
                            continue;
                        }
                        if (a.isDirectory() && a.fileKey() != null && onPath.contains(a.fileKey())) {
                            visitor.onIgnored(rel, "symbolic link loop: points back to a folder above it ("
                                    + child.toRealPath() + ")");
                            continue;
                        }
                    }
                } catch (NoSuchFileException gone) {
                    continue;   // deleted between listing and reading: nothing to give
                } catch (IOException ex) {
                    visitor.onFailed(rel, "cannot read attributes: " + ex);
                    continue;
                }
                if (a.isDirectory()) {
                    if (!matcher.excluded(rel) && !matcher.excluded(rel + "/")) {   // an excluded folder is not entered
                        entries.add(new Entry(child, name, name + "/", a, true));
                    }
                } else if (a.isRegularFile()) {
                    if (LocalNames.isDownloadTemp(name)) {
                        visitor.onIgnored(rel, "a download's temporary file (left by an interrupted download) skipped");
                        continue;
                    }
                    entries.add(new Entry(child, name, name, a, false));
                } else {
                    visitor.onIgnored(rel, "special file (FIFO, socket or device) skipped");
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            visitor.onFailed(relPrefix.isEmpty() ? "." : relPrefix, "folder disappeared while scanning: "
                    + e.getMessage());
        } catch (AccessDeniedException e) {
            visitor.onFailed(relPrefix.isEmpty() ? "." : relPrefix, "permission denied reading folder "
                    + e.getMessage());
        } catch (IOException e) {
            visitor.onFailed(relPrefix.isEmpty() ? "." : relPrefix, "cannot list folder: " + e);
        }
        entries.sort((x, y) -> Utf8Order.compare(x.sortKey(), y.sortKey()));
        dropCollisions(entries, relPrefix);
        List<String> folders = new ArrayList<>();
        for (Entry e : entries) {
            if (e.dir()) {
                folders.add(keyPrefix + relPrefix + e.name() + "/");
            }
        }
        if (!folders.isEmpty()) {
            visitor.onFoldersAhead(folders);
        }
        return entries.iterator();
    }
}
