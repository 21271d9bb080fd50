package io.stowage.cli;

import io.stowage.des.DesException;
import io.stowage.des.EntryNames;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
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
 * packed. Each file is named by its file name; the second file with a name already seen
 * is a usage error naming both paths, raised in order by {@link #next()} (the writer then commits nothing).
 *
 * <p>Iterate on one thread; {@link #close()} stops the walker.
 */
final class PackInputs implements Iterator<Map.Entry<String, Path>>, AutoCloseable {
    private static final int CHUNK = 512;
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(64);
    private final Thread walker;
    private final LongConsumer onWalked;
    private List<?> chunk = List.of();
    private int at;
    private boolean ended;
    private volatile boolean closed;

    /**
     * Starts walking {@code inputs} (each must exist and be a regular file or folder; check before).
     *
     * @param onWalked called once from the walker thread with the total bytes of all files, when the walk is done
     */
    PackInputs(List<Path> inputs, LongConsumer onWalked) {
        this.onWalked = onWalked;
        this.walker = new Thread(() -> walk(inputs), "des-pack-walk");
        walker.setDaemon(true);
        walker.start();
    }

    private final class Walk {
        final Map<String, Path> seen = new HashMap<>();
        List<Object> out = new ArrayList<>(CHUNK);
        long bytes;

        void file(Path p, long size) throws InterruptedException {
            file(p, p.getFileName().toString(), size);
        }

        void file(Path p, String name, long size) throws InterruptedException {
            try {
                EntryNames.check(name);
            } catch (DesException e) {
                emit(CliException.usage(p + ": " + e.getMessage()));
                return;
            }
            Path before = seen.putIfAbsent(name, p);
            if (before != null) {
                emit(CliException.usage("two inputs are both named '" + name + "': " + before + " and " + p
                        + "; entries are named by file name, so rename one or pack them into separate archives"));
                return;
            }
            bytes += size;
            out.add(new AbstractMap.SimpleImmutableEntry<>(name, p));
            if (out.size() == CHUNK) {
                flush();
            }
        }

        void folder(Path dir) throws IOException, InterruptedException {
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path c : ds) {
                    names.add(c.getFileName().toString());
                }
            }
            names.sort(null); // each name once: comparing Paths would build their strings at every comparison
            for (String n : names) {
                if (closed) {
                    throw new InterruptedException();
                }
                Path c = dir.resolve(n);
                BasicFileAttributes a = Files.readAttributes(c, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isDirectory()) {
                    folder(c);
                } else if (a.isRegularFile()) {
                    file(c, n, a.size());
                }
            }
        }

        void flush() throws InterruptedException {
            if (!out.isEmpty()) {
                queue.put(out);
                out = new ArrayList<>(CHUNK);
            }
        }

        /** Ends the walk with {@code error}, after the files found before it. */
        void emit(RuntimeException error) throws InterruptedException {
            flush();
            queue.put(error);
            throw new InterruptedException(); // stop walking: nothing after an error is used
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
                        w.file(input, Files.size(input));
                    }
                }
                w.flush();
                onWalked.accept(w.bytes);
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

    @Override
    public void close() {
        closed = true;
        walker.interrupt();
    }
}
