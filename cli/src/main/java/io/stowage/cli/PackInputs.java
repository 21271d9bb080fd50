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
    /** Files that could not be packed (a name the JVM cannot represent), in walk order; read after the walk. */
    private final List<Failure> failures = java.util.Collections.synchronizedList(new ArrayList<>());
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
    PackInputs(List<Path> inputs, Path out, LongConsumer onWalked) {
        this(inputs, out, onWalked, true);
    }

    /**
     * @param out           the archive being written: it and its temporary files ({@code .NAME.*.tmp} beside it, also
     *                      those a killed run left) are never inputs
     * @param nativeListing whether folders may be listed with getdents64 ({@link FolderListing})
     */
    PackInputs(List<Path> inputs, Path out, LongConsumer onWalked, boolean nativeListing) {
        this.onWalked = onWalked;
        this.listing = new FolderListing(nativeListing);
        Excluded excluded = new Excluded(out);
        this.walker = new Thread(() -> walk(inputs, excluded), "des-pack-walk");
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

    /** A file that was not packed and why (its path as text: it may have no {@link Path}). */
    record Failure(String path, String reason) {
    }

    /** The files that were not packed; complete once the iteration has ended. */
    List<Failure> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    /** The archive being written and its temporary files: never inputs. */
    static final class Excluded {
        private final Path out;
        private final String name;
        private final String tempPrefix;

        Excluded(Path out) {
            this.out = out == null ? null : out.toAbsolutePath().normalize();
            this.name = out == null ? null : this.out.getFileName().toString();
            this.tempPrefix = "." + name + ".";
        }

        /** Whether {@code dir/fileName} is the archive or one of its temporaries (the name decides; then the folder). */
        boolean is(Path dir, String fileName) {
            if (out == null || !(fileName.equals(name) || (fileName.startsWith(tempPrefix) && fileName.endsWith(".tmp")))) {
                return false;
            }
            try {
                return Files.isSameFile(dir, out.getParent());
            } catch (IOException e) {
                return dir.toAbsolutePath().normalize().equals(out.getParent());
            }
        }
    }

    private void walk(List<Path> inputs, Excluded excluded) {
        Walk w = new Walk();
        try {
            try {
                walkFiles(listing, inputs, excluded, new FileVisitor() {
                    @Override
                    public boolean file(Path p, String name) throws InterruptedException {
                        if (closed) {
                            throw new InterruptedException();
                        }
                        w.file(p, name);
                        return true;
                    }

                    @Override
                    public void failed(String path, String reason) {
                        failures.add(new Failure(path, reason));
                    }
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
            walkFiles(new FolderListing(true), inputs, null, (p, name) -> {
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

        /** A file or folder the walk cannot take (its name has no path in this JVM); the walk goes on. */
        default void failed(String path, String reason) {
        }
    }

    /**
     * {@code dir/name}, or null after telling the visitor why there is none: the JVM cannot represent the name in
     * its file-name encoding (a non-ASCII name in the C locale), or the name's bytes are not valid in it (decoded to
     * U+FFFD, so the path would name another file).
     */
    private static Path resolve(Path dir, String name, FileVisitor v) {
        String why = null;
        Path p = null;
        try {
            p = dir.resolve(name);
            if (name.indexOf('\uFFFD') >= 0 && !Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                why = "its name is not valid in the file-name encoding";
            }
        } catch (java.nio.file.InvalidPathException e) {
            why = "its name cannot be represented in the file-name encoding";
        }
        if (why == null) {
            return p;
        }
        v.failed(EntryNames.escaped(dir + java.io.File.separator + name), why + " (sun.jnu.encoding="
                + System.getProperty("sun.jnu.encoding") + "); run with a UTF-8 locale, e.g. LC_ALL=C.UTF-8");
        return null;
    }

    /**
     * Visits the files of {@code inputs} in pack order (see the class comment): an input named on the command line is
     * followed; inside folders, links and special files are never followed or opened.
     *
     * @return false when the visitor ended the walk
     */
    static boolean walkFiles(FolderListing listing, List<Path> inputs, Excluded excluded, FileVisitor v)
            throws IOException, InterruptedException {
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                if (!walkFolder(listing, input, excluded, v)) {
                    return false;
                }
                continue;
            }
            Path parent = input.toAbsolutePath().getParent();
            String name = input.getFileName().toString();
            if (excluded != null && excluded.is(parent, name)) {
                continue;
            }
            if (!v.file(input, name)) {
                return false;
            }
        }
        return true;
    }

    private static boolean walkFolder(FolderListing listing, Path dir, Excluded excluded, FileVisitor v)
            throws IOException, InterruptedException {
        List<FolderListing.Entry> entries = listing.list(dir);
        entries.sort(BY_NAME);
        for (FolderListing.Entry e : entries) {
            if (Thread.currentThread().isInterrupted()) { // close() interrupts the walker: stop between entries
                throw new InterruptedException();
            }
            if (e.kind() == FolderListing.Kind.OTHER || (excluded != null && e.kind() == FolderListing.Kind.FILE
                    && excluded.is(dir, e.name()))) {
                continue;
            }
            Path p = resolve(dir, e.name(), v);
            if (p == null) {
                continue;
            }
            boolean go = e.kind() == FolderListing.Kind.FOLDER ? walkFolder(listing, p, excluded, v)
                    : v.file(p, e.name());
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
