package io.stowage.archiver;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The regular files of one folder, parsed and grouped by the local date in their names; what the plan reads per day.
 * Where the first pass kept the folder's names ({@link Survey.FolderAttrs#names()}, within its memory budget), the
 * folder is taken from memory as the first pass saw it: the plan and its totals describe the same files, and a file
 * added since is left for the next run. Past that budget the folder is listed again, with the sizes and mtimes from
 * the first pass where it saw the file (no {@code lstat} per file); a file it did not see is looked up.
 * A small LRU cache keeps the last folders, so a flat folder holding many days is listed once per iteration, not
 * once per day. Not thread-safe (one per plan iteration).
 */
final class DirListing {
    /** A file of a folder: {@code parsed} is {@code null} for a name that did not parse. */
    record Entry(Path dir, Path path, NameParser.Parsed parsed, long size, Instant modified) {
    }

    /** A listed folder: entries by day, and the entries whose names did not parse. */
    record Listed(Map<LocalDate, List<Entry>> byDay, List<Entry> unrecognised) {
    }

    private static final int CACHED = 8;
    private final NameParser parser;
    private final Layout layout;
    private final Map<Path, Listed> cache = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Listed> eldest) {
            return size() > CACHED;
        }
    };

    /** The first pass's sizes and mtimes by folder (read only here). */
    private final Map<Path, Survey.FolderAttrs> known;

    DirListing(NameParser parser, Layout layout, Map<Path, Survey.FolderAttrs> known) {
        this.parser = parser;
        this.layout = layout;
        this.known = known;
    }

    /** The files of {@code dir} (cached); a folder that vanished lists as empty. */
    Listed list(Path dir) {
        Listed l = cache.get(dir);
        if (l == null) {
            l = read(dir);
            cache.put(dir, l);
        }
        return l;
    }

    private Listed read(Path dir) {
        Map<LocalDate, List<Entry>> byDay = new HashMap<>();
        List<Entry> unrecognised = new ArrayList<>();
        Survey.FolderAttrs attrs = known.get(dir);
        if (attrs != null && attrs.names() != null) {
            fromMemory(dir, attrs, byDay, unrecognised);
            return new Listed(byDay, unrecognised);
        }
        int next = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                long size;
                Instant modified;
                int i = attrs == null ? -1 : attrs.find(name, next);
                if (i >= 0) { // a regular file the first pass looked up: no second lstat
                    next = i + 1;
                    size = attrs.size(i);
                    modified = attrs.modified(i);
                } else {
                    BasicFileAttributes a;
                    try {
                        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (NoSuchFileException e) {
                        continue; // removed since listed
                    }
                    if (!a.isRegularFile()) {
                        continue;
                    }
                    size = a.size();
                    modified = a.lastModifiedTime().toInstant();
                }
                if (layout.ownFile(name, p)) {
                    continue;
                }
                NameParser.Parsed parsed = parser.parse(name);
                Entry e = new Entry(dir, p, parsed, size, modified);
                if (parsed == null) {
                    unrecognised.add(e);
                } else {
                    byDay.computeIfAbsent(parsed.local().toLocalDate(), k -> new ArrayList<>()).add(e);
                }
            }
        } catch (NoSuchFileException e) {
            return new Listed(Map.of(), List.of());
        } catch (IOException e) {
            throw new ArchiveIoException(dir, "cannot list the folder", e);
        }
        return new Listed(byDay, unrecognised);
    }

    /** The folder as the first pass saw it: no system call but for a file whose mtime must be looked up. */
    private void fromMemory(Path dir, Survey.FolderAttrs attrs, Map<LocalDate, List<Entry>> byDay,
            List<Entry> unrecognised) {
        String[] names = attrs.names();
        for (int i = 0; i < attrs.size; i++) {
            long size = attrs.size(i);
            if (size == Survey.FolderAttrs.NOT_A_FILE) {
                continue;
            }
            String name = names[i];
            Path p = dir.resolve(name);
            if (layout.ownFile(name, p)) {
                continue;
            }
            Instant modified;
            if (size >= 0) {
                modified = attrs.modified(i);
            } else {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    size = a.size();
                    modified = a.lastModifiedTime().toInstant();
                } catch (NoSuchFileException e) {
                    continue; // removed since
                } catch (IOException e) {
                    throw new ArchiveIoException(p, "cannot read the file's attributes", e);
                }
            }
            NameParser.Parsed parsed = parser.parse(name);
            Entry e = new Entry(dir, p, parsed, size, modified);
            if (parsed == null) {
                unrecognised.add(e);
            } else {
                byDay.computeIfAbsent(parsed.local().toLocalDate(), k -> new ArrayList<>()).add(e);
            }
        }
    }
}
