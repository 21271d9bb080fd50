package io.stowage.archiver;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
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
 * that day, plus the totals. Memory grows with days and folders, never with files. Immutable once built.
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
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                /** The folders being walked (the files visited belong to the top one). */
                private final java.util.ArrayDeque<Path> dirs = new java.util.ArrayDeque<>();

                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (layout.otherTree(tree, dir)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    dirs.push(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    dirs.pop();
                    if (exc != null) {
                        throw exc;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String name = file.getFileName().toString();
                    if (attrs.isRegularFile() && !layout.ownFile(name, file)) {
                        count(tree, parser, dirs.peek(), name, attrs.size());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }
            });
        } catch (IOException e) {
            throw new ArchiveIoException(root, "cannot walk the " + tree.name().toLowerCase() + " tree", e);
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
