package io.stowage.des.internal;

import io.stowage.des.ExternalStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** {@link ExternalStore} over a local directory. Thread-safe: every operation works on its own files. */
public final class DirectoryExternalStore implements ExternalStore {
    private final Path root;

    public DirectoryExternalStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Resolves a key under the root, refusing keys that would leave it. */
    Path resolve(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("external key '" + key + "' must be a relative path with '/' separators");
        }
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new IllegalArgumentException("external key '" + key + "' escapes the external root " + root);
        }
        return p;
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent());
        AtomicFiles.write(target, out -> {
            long copied = copy(data, out, length);
            if (copied != length) {
                throw new IOException("external payload for '" + key + "' ended after " + copied + " of " + length
                        + " bytes; the source changed or was truncated while packing");
            }
        });
    }

    private static long copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buf = new byte[256 * 1024];
        long total = 0;
        while (total < length) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, length - total));
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
            total += n;
        }
        return total;
    }

    @Override
    public void put(String key, Path file) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent());
        long length = Files.size(file);
        AtomicFiles.write(target, out -> {
            try (FileChannel src = FileChannel.open(file, StandardOpenOption.READ)) {
                long copied = src.transferTo(0, length, Channels.newChannel(out));
                if (copied != length) {
                    throw new IOException("external payload " + file + " changed size while packing");
                }
            }
        });
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Files.newInputStream(resolve(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(resolve(key));
    }

    @Override
    public String describe() {
        return root.toString();
    }
}
