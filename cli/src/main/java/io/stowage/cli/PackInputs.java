package io.stowage.cli;

import io.stowage.des.DesNameException;
import io.stowage.des.EntryNames;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongConsumer;

/**
 * The files {@code des pack} adds, found by a walker thread while packing goes on, so walking a large tree overlaps
 * with reading and writing instead of preceding them.
 *
 * <p>Order: inputs in command-line order (an input named on the command line is followed when it is a link); a
 * folder's files and subfolders together in name order (UTF-16 order of the file names), depth first. For one flat
 * folder that is its files sorted by name. Symbolic links and special files inside folders are not followed or
 * packed. Each file is named by its file name. The walk does not check names: the writer refuses a bad or repeated
 * name (nothing is committed), and {@link #nameError} then finds the paths behind it for the message. That keeps no
 * map of every name here beside the writer's own set (for 100,000 files, a second map, and the young collections
 * copying it, cost more than the listing itself).
 *
 * <p>Iterate on one thread; {@link #close()} stops the walker.
 */
final class PackInputs implements Iterator<Map.Entry<String, Path>>, AutoCloseable {
    private static final int CHUNK = 512;
    private static final Object END = new Object();
    /** Entries by name (each name built once; comparing Paths would build their strings at every comparison). */
    private static final java.util.Comparator<FolderListing.Entry> BY_NAME = (a, b) -> a.name().compareTo(b.name());

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(64);
    private final Thread walker;
    private final LongConsumer onWalked;
    private final FolderListing listing;
    private List<?> chunk = List.of();
    private int at;
    private boolean ended;
    private volatile boolean closed;

    /**
     * Starts walking {@code inputs} (each must exist and be a regular file or folder; check before).
     *
     * @param onWalked called once from the walker thread with the number of files to pack, when the walk is done
     */
    PackInputs(List<Path> inputs, LongConsumer onWalked) {
        this(inputs, onWalked, true);
    }

    /** @param nativeListing whether folders may be listed with getdents64 ({@link FolderListing}) */
    PackInputs(List<Path> inputs, LongConsumer onWalked, boolean nativeListing) {
        this.onWalked = onWalked;
        this.listing = new FolderListing(nativeListing);
        this.walker = new Thread(() -> walk(inputs), "des-pack-walk");
        walker.setDaemon(true);
        walker.start();
    }

    private final class Walk {
        List<Object> out = new ArrayList<>(CHUNK);
        long files;

        void file(Path p, String name) throws InterruptedException {
            files++;
            out.add(new AbstractMap.SimpleImmutableEntry<>(name, p));
            if (out.size() == CHUNK) {
                flush();
            }
        }

        void flush() throws InterruptedException {
            if (!out.isEmpty()) {
                queue.put(out);
                out = new ArrayList<>(CHUNK);
            }
        }
    }

    private void walk(List<Path> inputs) {
        Walk w = new Walk();
        try {
            try {
                walkFiles(listing, inputs, (p, name) -> {
                    if (closed) {
                        throw new InterruptedException();
                    }
                    w.file(p, name);
                    return true;
                });
                w.flush();
                onWalked.accept(w.files);
                queue.put(END);
            } catch (IOException | java.nio.file.DirectoryIteratorException e) {
                IOException io = e instanceof IOException x ? x : ((java.nio.file.DirectoryIteratorException) e).getCause();
                w.flush();
                queue.put(new UncheckedIOException("cannot list the inputs to pack: " + io.getMessage(), io));
            } catch (RuntimeException e) {
                w.flush();
                queue.put(e); // never leave the packing thread waiting for a walker that died
            }
        } catch (InterruptedException e) {
            // closed, or ended by an error already queued
        }
    }

    @Override
    public boolean hasNext() {
        while (at == chunk.size()) {
            if (ended) {
                return false;
            }
            Object o;
            try {
                o = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CliException.reworded("interrupted while listing the inputs to pack", e);
            }
            if (o == END) {
                ended = true;
                return false;
            }
            if (o instanceof RuntimeException e) {
                ended = true;
                throw e;
            }
            chunk = (List<?>) o;
            at = 0;
        }
        return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map.Entry<String, Path> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return (Map.Entry<String, Path>) chunk.get(at++);
    }

    /**
     * The writer's refusal of a name, re-worded to name the input paths behind it (exit code and {@code error.type}
     * stay those of {@link DesNameException}, from {@link ErrorTable}): both paths for a repeated name
     * (walks the inputs again, which only happens on this error), the path for a name that breaks the naming rules.
     */
    static CliException nameError(List<Path> inputs, DesNameException e) {
        List<Path> paths = new ArrayList<>();
        try {
            walkFiles(new FolderListing(true), inputs, (p, name) -> {
                if (name.equals(e.name())) {
                    paths.add(p);
                }
                return paths.size() < 2;
            });
        } catch (IOException | InterruptedException | RuntimeException ignored) {
            // the message below still names the entry
        }
        if (paths.size() >= 2 && EntryNames.isSafeFileName(e.name())) { // a valid name refused: a repeated one
            return CliException.reworded("two inputs are both named '" + e.name() + "': " + paths.get(0) + " and "
                    + paths.get(1) + "; entries are named by file name, so rename one or pack them into separate"
                    + " archives", e);
        }
        return CliException.reworded((paths.isEmpty() ? "" : paths.get(0) + ": ") + e.getMessage(), e);
    }

    /** What a walk does with each file it finds; returning false ends the walk. */
    interface FileVisitor {
        boolean file(Path file, String name) throws InterruptedException;
    }

    /**
     * Visits the files of {@code inputs} in pack order (see the class comment): an input named on the command line is
     * followed; inside folders, links and special files are never followed or opened.
     *
     * @return false when the visitor ended the walk
     */
    static boolean walkFiles(FolderListing listing, List<Path> inputs, FileVisitor v)
            throws IOException, InterruptedException {
        for (Path input : inputs) {
            if (!(Files.isDirectory(input) ? walkFolder(listing, input, v)
                    : v.file(input, input.getFileName().toString()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean walkFolder(FolderListing listing, Path dir, FileVisitor v)
            throws IOException, InterruptedException {
        List<FolderListing.Entry> entries = listing.list(dir);
        entries.sort(BY_NAME);
        for (FolderListing.Entry e : entries) {
            if (Thread.currentThread().isInterrupted()) { // close() interrupts the walker: stop between entries
                throw new InterruptedException();
            }
            boolean go = switch (e.kind()) {
                case FOLDER -> walkFolder(listing, dir.resolve(e.name()), v);
                case FILE -> v.file(dir.resolve(e.name()), e.name());
                default -> true;
            };
            if (!go) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        walker.interrupt();
    }
}
