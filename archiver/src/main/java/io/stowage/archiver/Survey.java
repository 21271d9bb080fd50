package io.stowage.archiver;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The first pass: walks the input, output and trash trees once and keeps, per day, only which folders hold files of
 * that day, plus the totals, and each file's size and mtime in 24 bytes (within a quarter of the heap) and name
 * (within an eighth), so the day pass reads a folder from memory, or lists it again without an lstat per file past
 * the names budget. Immutable once built.
 */
final class Survey {
    /** The folders that hold files of one day, per tree. */
    static final class DayDirs {
        final Map<Layout.Tree, Set<Path>> dirs = new EnumMap<>(Layout.Tree.class);

        Set<Path> of(Layout.Tree t) {
            return dirs.getOrDefault(t, Set.of());
        }
    }

    final TreeMap<LocalDate, DayDirs> days = new TreeMap<>();
    /** Folders holding files whose names did not parse (listed again for the last, undated part of the plan). */
    final Set<Path> unrecognisedDirs = new LinkedHashSet<>();
    long sources;
    long sourceBytes;
    long snapshots;
    long outputs;
    long trashed;
    long unrecognised;
    final long[] bytes = new long[Layout.Tree.values().length];
    /** Each walked folder's entries' sizes and mtimes, so the day pass lists it without an lstat per file. */
    final Map<Path, FolderAttrs> attrs = new java.util.HashMap<>();
    /**
     * How many more entries {@link #attrs} may keep (24 bytes each: 350,000 files take 8 MB; each of the two walks
     * may use an eighth of the heap); the day pass looks up the files of folders past it again.
     */
    private long keep = Math.max(0, Runtime.getRuntime().maxMemory() / 8 / FolderAttrs.BYTES_PER_ENTRY);
    /**
     * How many more bytes of names {@link #attrs} may keep (a sixteenth of the heap per walk, about 70 bytes a name:
     * 350,000 names take 25 MB); a folder whose names are kept is not listed again by the day pass.
     */
    private long keepNameBytes = Runtime.getRuntime().maxMemory() / 16;
    /** A kept name's cost beyond its characters: the String, its array, the reference. */
    private static final int NAME_OVERHEAD = 48;

    /**
     * The entries of one folder in listing order: a 64-bit hash of each name, its size and mtime (nanoseconds since
     * the epoch), and, while the names budget lasts, the names themselves: then the day pass needs no second listing
     * ({@link #names()}). Otherwise {@link #find} answers for an entry of a later listing of the same folder, by its
     * position there (checked against the name's hash), else by a search; {@code -1} when the name is not known.
     */
    static final class FolderAttrs {
        static final int BYTES_PER_ENTRY = 24;
        /** The size of an entry that is no regular file. */
        static final long NOT_A_FILE = -1;
        /** The size of a regular file whose mtime nanoseconds cannot hold: looked up again when listed. */
        static final long LOOK_UP = -2;
        private static final int WINDOW = 8;
        long[] hashes = new long[16];
        long[] sizes = new long[16];
        long[] mtimes = new long[16];
        String[] names;
        int size;

        /** With {@code keepNames}, the names are kept too ({@link #names()}). */
        FolderAttrs(boolean keepNames) {
            names = keepNames ? new String[16] : null;
        }

        FolderAttrs() {
            this(false);
        }

        void add(String name, BasicFileAttributes a) {
            if (size == hashes.length) {
                hashes = java.util.Arrays.copyOf(hashes, size * 2);
                sizes = java.util.Arrays.copyOf(sizes, size * 2);
                mtimes = java.util.Arrays.copyOf(mtimes, size * 2);
                if (names != null) {
                    names = java.util.Arrays.copyOf(names, size * 2);
                }
            }
            long t = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
            hashes[size] = hash(name);
            // a directory or special file, or an mtime outside what nanoseconds hold: looked up again if asked
            sizes[size] = !a.isRegularFile() ? NOT_A_FILE : t != Long.MAX_VALUE && t != Long.MIN_VALUE ? a.size()
                    : LOOK_UP;
            mtimes[size] = t;
            if (names != null) {
                names[size] = name;
            }
            size++;
        }

        FolderAttrs trim() {
            if (size < hashes.length) {
                hashes = java.util.Arrays.copyOf(hashes, size);
                sizes = java.util.Arrays.copyOf(sizes, size);
                mtimes = java.util.Arrays.copyOf(mtimes, size);
                if (names != null) {
                    names = java.util.Arrays.copyOf(names, size);
                }
            }
            return this;
        }

        /** Drops the names (past the names budget). */
        FolderAttrs withoutNames() {
            names = null;
            return this;
        }

        /** The names in listing order, or {@code null} when they were not kept. */
        String[] names() {
            return names;
        }

        /**
         * The index of {@code name}, expected at {@code at} (the entry after the last one found: a folder listed
         * again comes in the same order) or a few places off (entries added or removed since); -1 when not found
         * there (the caller looks the file up) or when it was no regular file.
         */
        int find(String name, int at) {
            long h = hash(name);
            for (int d = 0; d <= WINDOW; d++) {
                int i = at + d;
                if (i >= 0 && i < size && hashes[i] == h) {
                    return sizes[i] >= 0 ? i : -1;
                }
                i = at - d;
                if (d > 0 && i >= 0 && i < size && hashes[i] == h) {
                    return sizes[i] >= 0 ? i : -1;
                }
            }
            return -1;
        }

        /** The size of the entry at {@code i} ({@link #NOT_A_FILE}, {@link #LOOK_UP}). */
        long size(int i) {
            return sizes[i];
        }

        /** The mtime of the entry at {@code i}. */
        java.time.Instant modified(int i) {
            return java.time.Instant.ofEpochSecond(0, mtimes[i]);
        }

        /** FNV-1a over the name's chars, 64 bits: two names of one folder sharing it are not expected. */
        static long hash(String name) {
            long h = 0xcbf29ce484222325L;
            for (int i = 0, n = name.length(); i < n; i++) {
                h = (h ^ name.charAt(i)) * 0x100000001b3L;
            }
            return h;
        }
    }

    /**
     * Walks the three trees: the input on this thread, the output and trash on a second one (the walks are mostly
     * system calls; on two cores they overlap), then merges.
     */
    static Survey of(Layout layout, NameParser parser) {
        Survey input = new Survey();
        Survey others = new Survey();
        java.util.concurrent.CompletableFuture<Void> side = java.util.concurrent.CompletableFuture.runAsync(() -> {
            for (Layout.Tree t : List.of(Layout.Tree.OUTPUT, Layout.Tree.TRASH)) {
                if (!layout.root(t).equals(layout.input())) { // output or trash is the input itself: counted once
                    others.walk(layout, parser, t);
                }
            }
        }, r -> {
            Thread th = new Thread(r, "stowage-archive-survey");
            th.setDaemon(true);
            th.start();
        });
        input.walk(layout, parser, Layout.Tree.INPUT);
        try {
            side.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
        input.merge(others);
        return input;
    }

    private void merge(Survey o) {
        o.days.forEach((day, d) -> {
            DayDirs mine = days.computeIfAbsent(day, k -> new DayDirs());
            d.dirs.forEach((tree, dirs) -> mine.dirs.computeIfAbsent(tree, t -> new LinkedHashSet<>(2)).addAll(dirs));
        });
        unrecognisedDirs.addAll(o.unrecognisedDirs);
        attrs.putAll(o.attrs);
        sources += o.sources;
        sourceBytes += o.sourceBytes;
        snapshots += o.snapshots;
        outputs += o.outputs;
        trashed += o.trashed;
        unrecognised += o.unrecognised;
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] += o.bytes[i];
        }
    }

    ArchiveTotals totals() {
        return new ArchiveTotals(days.size(), sources, sourceBytes, snapshots, outputs, trashed, unrecognised,
                bytes[0], bytes[1], bytes[2]);
    }

    private void walk(Layout layout, NameParser parser, Layout.Tree tree) {
        Path root = layout.root(tree);
        if (!Files.isDirectory(root)) {
            if (tree == Layout.Tree.INPUT) {
                throw new ArchiveIoException(root, "the input folder does not exist",
                        new NoSuchFileException(root.toString()));
            }
            return;
        }
        try {
            walkDir(layout, parser, tree, root);
        } catch (IOException e) {
            throw new ArchiveIoException(root, "cannot walk the " + tree.name().toLowerCase() + " tree", e);
        }
    }

    /**
     * One folder, depth first in the order the file system lists it (as {@code Files.walkFileTree} would): one
     * {@code lstat} per entry (relative to the open folder, {@code fstatat}, where the JDK offers a
     * {@link SecureDirectoryStream}: the kernel resolves one name instead of the whole path), whose size and mtime
     * (and, within the names budget, name) are kept for the day pass ({@link FolderAttrs}).
     */
    private void walkDir(Layout layout, NameParser parser, Layout.Tree tree, Path dir) throws IOException {
        FolderAttrs kept = keep > 0 ? new FolderAttrs(keepNameBytes > 0) : null;
        long nameBytes = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            SecureDirectoryStream<Path> at = ds instanceof SecureDirectoryStream<Path> s ? s : null;
            for (Path p : ds) {
                Path fileName = p.getFileName();
                String name = fileName.toString();
                BasicFileAttributes a;
                try {
                    a = at != null ? at.getFileAttributeView(fileName, BasicFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS).readAttributes()
                            : Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue; // removed since listed
                }
                if (kept != null) {
                    kept.add(name, a);
                    nameBytes += NAME_OVERHEAD + name.length();
                }
                if (a.isDirectory()) {
                    if (!layout.otherTree(tree, p)) {
                        walkDir(layout, parser, tree, p);
                    }
                } else if (a.isRegularFile() && !layout.ownFile(name, p)) {
                    count(tree, parser, dir, name, a.size());
                }
            }
        } catch (NoSuchFileException e) {
            return; // a folder removed since listed
        } catch (java.nio.file.DirectoryIteratorException e) {
            throw e.getCause();
        }
        if (kept != null && kept.size > 0) {
            keep -= kept.size;
            if (kept.names() != null) {
                keepNameBytes -= nameBytes;
            }
            attrs.put(dir, kept.trim());
        }
    }

    private LocalDate lastDay;
    private Layout.Tree lastTree;
    private Path lastDir;

    private void count(Layout.Tree tree, NameParser parser, Path dir, String name, long size) {
        bytes[tree.ordinal()] += size;
        NameParser.Parsed p = parser.parse(name);
        if (p == null) {
            unrecognised++;
            unrecognisedDirs.add(dir);
            return;
        }
        LocalDate day = p.local().toLocalDate();
        if (dir != lastDir || tree != lastTree || !day.equals(lastDay)) { // most files repeat the last day's folder
            days.computeIfAbsent(day, d -> new DayDirs()).dirs.computeIfAbsent(tree, t -> new LinkedHashSet<>(2))
                    .add(dir);
            lastDir = dir;
            lastTree = tree;
            lastDay = day;
        }
        switch (tree) {
            case INPUT -> {
                if (p.kind() == NameParser.Kind.MP4) {
                    sources++;
                    sourceBytes += size;
                } else {
                    snapshots++;
                }
            }
            case OUTPUT -> outputs++;
            case TRASH -> trashed++;
        }
    }
}
