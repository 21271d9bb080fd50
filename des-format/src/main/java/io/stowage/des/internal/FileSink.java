package io.stowage.des.internal;

import io.stowage.des.DesSink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** {@link DesSink} to a local file: temporary sibling, fsync, atomic rename. Not thread-safe. */
public final class FileSink implements DesSink {
    private final Path target;
    private final boolean overwrite;
    private final Path tmp;
    private final FileChannel ch;
    private boolean done;

    public FileSink(Path target, boolean overwrite) throws IOException {
        this.target = target;
        this.overwrite = overwrite;
        if (!overwrite && Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "the archive exists; choose another name or allow overwriting (--force)");
        }
        this.tmp = AtomicFiles.tempSibling(target);
        this.ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return ch.write(src);
    }

    @Override
    public boolean isOpen() {
        return ch.isOpen();
    }

    @Override
    public void close() {
        abort();
    }

    @Override
    public void commit() throws IOException {
        if (done) {
            throw new IllegalStateException("sink for " + target + " already committed or aborted");
        }
        ch.force(true);
        ch.close();
        AtomicFiles.commit(tmp, target, overwrite);
        done = true;
    }

    @Override
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        try {
            ch.close();
        } catch (IOException ignored) {
            // discarding anyway
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // a leftover hidden .tmp file is harmless and never under the final name
        }
    }

    @Override
    public String describe() {
        return target.toString();
    }
}
