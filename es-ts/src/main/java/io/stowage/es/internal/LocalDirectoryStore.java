package io.stowage.es.internal;

import io.stowage.es.EsSegmentStore;
import io.stowage.es.EsStoreException;
import io.stowage.es.EsSegmentMissingException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@link EsSegmentStore} over a local folder with the {@code DDMMYYYY/HH/start-end.es} layout. Keys never leave the
 * folder ({@code ..} and absolute keys are refused). Public only for {@code EsSegmentStore.directory} (this package is
 * not exported). Thread-safe (stateless apart from the root).
 */
public final class LocalDirectoryStore implements EsSegmentStore {
    private final Path root;

    public LocalDirectoryStore(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("source folder " + root + " does not exist or is not a folder");
        }
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String location() {
        return root.toString();
    }

    private Path resolve(String key) {
        Path p = root.resolve(key).normalize();
        if (key.startsWith("/") || !p.startsWith(root)) {
            throw new EsStoreException(key, "key '" + key + "' leaves the source folder " + root, false, null);
        }
        return p;
    }

    @Override
    public SegmentData open(String key) {
        Path p = resolve(key);
        try {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                throw new EsSegmentMissingException(key, root.toString());
            }
            if (a.isDirectory()) {
                throw new EsStoreException(key, p + " is a folder, not a segment file", false, null);
            }
            if (!a.isRegularFile()) {
                // a FIFO would block the read forever, a device (or a link to one) never ends
                throw new EsStoreException(key, p + " is not a regular file (a FIFO, device or socket); only regular"
                        + " files are segments", false, null);
            }
            FileChannel fc = FileChannel.open(p, StandardOpenOption.READ);
            long size = fc.size();
            return new SegmentData() {
                @Override
                public ReadableByteChannel channel() {
                    return fc;
                }

                @Override
                public long size() {
                    return size;
                }

                @Override
                public void close() throws IOException {
                    fc.close();
                }
            };
        } catch (NoSuchFileException e) {
            throw new EsSegmentMissingException(key, root.toString());
        } catch (IOException e) {
            if (Files.isDirectory(p)) {
                throw new EsStoreException(key, p + " is a folder, not a segment file", false, e);
            }
            throw new EsStoreException(key, "cannot read " + p + ": " + e, false, e);
        }
    }

    @Override
    public List<String> list(String folder) {
        Path dir = resolve(folder);
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        String base = folder.isEmpty() || folder.endsWith("/") ? folder : folder + "/";
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).forEach(f -> out.add(base + f.getFileName()));
        } catch (IOException e) {
            throw new EsStoreException(null, "cannot list " + dir + ": " + e, false, e);
        }
        return out;
    }

    @Override
    public boolean isRemote() {
        return false;
    }
}
