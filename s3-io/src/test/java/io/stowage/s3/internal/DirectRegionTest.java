package io.stowage.s3.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Direct writes of file regions: exact bytes after padding and truncation, and the ordinary path when refused. */
class DirectRegionTest {
    @TempDir
    Path tmp;

    /** The test's folder, or another on a file system that takes O_DIRECT (skipped, saying why, if none does). */
    private Path dir() {
        return SupportingFolders.oDirect(tmp);
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes {@code data} as regions of {@code part} bytes, each in pieces of {@code piece}, then truncates. */
    private static boolean writeRegions(Path file, byte[] data, int part, int piece, int forceAlign)
            throws IOException {
        boolean direct = true;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             DirectRegion.Target real = DirectRegion.open(file)) {
            assumeTrue(real != null, "O_DIRECT is not available on " + Files.getFileStore(file).type()
                    + " (SupportingFolders found no other file system with it)");
            // a smaller alignment than the file system's makes the JDK refuse some direct writes, as a disk with
            // larger blocks than its file system would (EINVAL): a real refusal, no mock
            DirectRegion.Target t = forceAlign > 0 ? new DirectRegion.Target(real.channel(), forceAlign) : real;
            for (int off = 0; off < data.length; off += part) {
                DirectRegion r = new DirectRegion(t, ch, off);
                int end = Math.min(data.length, off + part);
                for (int p = off; p < end; p += piece) {
                    r.write(data, p, Math.min(piece, end - p));
                }
                r.finish(end == data.length);
                direct &= r.direct();
            }
            ch.truncate(data.length);
        }
        return direct;
    }

    @Test
    void regionsRestoreTheBytesExactly() throws IOException {
        for (int size : new int[] {1, 4095, 4096, 4097, (1 << 20) - 1, 1 << 20, (3 << 20) + 12345}) {
            byte[] data = bytes(size, size);
            Path f = dir().resolve("f" + size);
            assertThat(writeRegions(f, data, 1 << 20, 100_003, 0)).isTrue();
            assertThat(Files.readAllBytes(f)).as("size %d", size).isEqualTo(data);
        }
    }

    @Test
    void refusedDirectWritesGoThroughTheOrdinaryChannel() throws IOException {
        byte[] data = bytes((3 << 20) + 777, 5);
        Path f = dir().resolve("refused");
        // regions of 1 MiB + 512 bytes: the second starts off the file system's block boundary
        assertThat(writeRegions(f, data, (1 << 20) + 512, 65_536, 512)).isFalse();
        assertThat(Files.readAllBytes(f)).isEqualTo(data);
    }

    /** A test body given an ordinary channel and a direct target on a new file (skipped where O_DIRECT is refused). */
    private interface OnFile {
        void run(FileChannel ch, DirectRegion.Target t) throws IOException;
    }

    private void onNewFile(String name, OnFile body) throws IOException {
        Path f = dir().resolve(name);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             DirectRegion.Target t = DirectRegion.open(f)) {
            assumeTrue(t != null, "O_DIRECT is not available on " + Files.getFileStore(f).type()
                    + " (SupportingFolders found no other file system with it)");
            body.run(ch, t);
        }
    }

    @Test
    void otherWriteErrorsFailTheRegion() throws IOException {
        onNewFile("closed", (ch, t) -> {
            try (DirectRegion r = new DirectRegion(t, ch, 0)) {
                t.channel().close(); // not a refusal: must not be hidden by writing through the page cache
                assertThatThrownBy(() -> r.write(bytes(1 << 20, 1), 0, 1 << 20)).isInstanceOf(IOException.class);
            }
        });
    }

    @Test
    void oneRegionAtATimePerThread() throws IOException {
        onNewFile("two", (ch, t) -> {
            DirectRegion r = new DirectRegion(t, ch, 0);
            assertThatThrownBy(() -> new DirectRegion(t, ch, 1 << 20)).isInstanceOf(IllegalStateException.class);
            r.finish(true);
            new DirectRegion(t, ch, 0).close(); // free again once finished
        });
    }

    @Test
    void aRegionMustStartOnABlockBoundary() throws IOException {
        onNewFile("x", (ch, t) -> {
            assertThat(t.aligned(t.align())).isTrue();
            assertThatThrownBy(() -> new DirectRegion(t, ch, 100)).isInstanceOf(IllegalArgumentException.class);
        });
    }
}
