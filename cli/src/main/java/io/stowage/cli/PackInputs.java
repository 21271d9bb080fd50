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

        void folder(Path dir) throws IOException, InterruptedException {
            List<FolderListing.Entry> entries = listing.list(dir);
            entries.sort(BY_NAME);
            for (FolderListing.Entry e : entries) {
                if (closed) {
                    throw new InterruptedException();
                }
                switch (e.kind()) {
                    case FOLDER -> folder(dir.resolve(e.name()));
                    case FILE -> file(dir.resolve(e.name()), e.name());
                    default -> { } // links and special files are never followed or opened
                }
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
                for (Path input : inputs) {
                    if (Files.isDirectory(input)) { // an input named on the command line is followed
                        w.folder(input);
                    } else {
                        w.file(input, input.getFileName().toString());
                    }
                }
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
                throw CliException.failed("Interrupted", "interrupted while listing the inputs to pack");
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
     * A usage error for a name the writer refused, naming the input paths behind it: both paths for a repeated name
     * (walks the inputs again, which only happens on this error), the path for a name that breaks the naming rules.
     */
    static CliException nameError(List<Path> inputs, DesNameException e) {
        List<Path> paths = new ArrayList<>();
        try {
            pathsNamed(new FolderListing(true), inputs, e.name(), paths);
        } catch (IOException | RuntimeException ignored) {
            // the message below still names the entry
        }
        if (paths.size() >= 2 && EntryNames.isSafeFileName(e.name())) { // a valid name refused: a repeated one
            return CliException.usage("two inputs are both named '" + e.name() + "': " + paths.get(0) + " and "
                    + paths.get(1) + "; entries are named by file name, so rename one or pack them into separate"
                    + " archives");
        }
        return CliException.usage((paths.isEmpty() ? "" : paths.get(0) + ": ") + e.getMessage());
    }

    /** Adds to {@code found} the files named {@code name}, in walk order, until it holds two. */
    private static void pathsNamed(FolderListing listing, List<Path> inputs, String name, List<Path> found)
            throws IOException {
        for (Path input : inputs) {
            if (found.size() >= 2) {
                return;
            }
            if (Files.isDirectory(input)) {
                pathsIn(listing, input, name, found);
            } else if (input.getFileName() != null && input.getFileName().toString().equals(name)) {
                found.add(input);
            }
        }
    }

    private static void pathsIn(FolderListing listing, Path dir, String name, List<Path> found) throws IOException {
        List<FolderListing.Entry> entries = listing.list(dir);
        entries.sort(BY_NAME);
        for (FolderListing.Entry e : entries) {
            if (found.size() >= 2) {
                return;
            }
            if (e.kind() == FolderListing.Kind.FOLDER) {
                pathsIn(listing, dir.resolve(e.name()), name, found);
            } else if (e.kind() == FolderListing.Kind.FILE && e.name().equals(name)) {
                found.add(dir.resolve(e.name()));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        walker.interrupt();
    }
}
