package io.stowage.des;

import java.io.Closeable;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The read side of a DES v1 archive, wherever it lives: {@link DesReader} for local files and channels,
 * {@code S3DesReader} (des-s3) for S3. Code written against this interface switches between them freely.
 *
 * <pre>{@code
 * try (DesArchive a = DesReader.open(Path.of("day.des"))) {
 *     for (DesEntry e : a.list()) {
 *         ByteBuffer bytes = a.read(e.name());
 *     }
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe: any number of threads may read concurrently; {@link #close()} ends all use.
 * Every failure is a {@link DesException}: {@link DesEntryNotFoundException}, {@link DesCorruptException} (and
 * {@link DesChecksumException}), {@link DesUnsupportedException}; I/O errors are wrapped in {@link DesIoException}.
 */
public interface DesArchive extends Closeable {
    /** The archive as named by the caller (path or URL), used in messages. */
    String name();

    /** The parsed index. */
    DesIndex index();

    /** Every entry in index order (see {@link DesIndex} for duplicate names). */
    default List<DesEntry> list() {
        return index().entries();
    }

    default boolean contains(String name) {
        return index().find(name) != null;
    }

    /** The entry, or {@link DesEntryNotFoundException}. */
    default DesEntry entry(String name) {
        return index().get(name);
    }

    /** The stored META object of the entry. */
    default Map<String, Object> meta(String name) {
        return entry(name).meta();
    }

    /** The whole payload as a read-only buffer (position 0, limit = size). For big payloads use {@link #openStream}. */
    ByteBuffer read(String name);

    /**
     * Copies the payload into {@code dst} starting at {@code offset} and returns its length; the hot path for many
     * small reads (no allocation per read for local archives).
     *
     * @throws IndexOutOfBoundsException when the payload does not fit
     */
    int read(String name, byte[] dst, int offset);

    /** Streams the payload; a checksum mismatch is thrown before the stream reports its end. */
    InputStream openStream(String name);

    /**
     * Streams the payload of one index record, as listed by {@link #list()}: for archives that hold a name more than
     * once, where {@link #openStream(String)} opens the last record of that name ({@link #verify()} reads every
     * record this way).
     *
     * @throws IllegalArgumentException when {@code entry} is not a record of this archive's index
     */
    InputStream openStream(DesEntry entry);

    /**
     * Streams the payload only once all of it has been checked: no byte of an entry whose length or {@code crc32c}
     * fails is ever returned (what writers to a terminal, a pipe or a file need; {@link #openStream} hands bytes out
     * as they come and fails at the end). The default spools entries that carry a checksum
     * ({@link DesPayloads#spooled}: in memory, past 8 MiB in a temporary file); local archives check their mapped
     * bytes in a first pass instead.
     */
    default InputStream openVerified(String name) {
        DesEntry e = entry(name);
        InputStream in = openStream(name);
        return e.hasCrc32c() ? DesPayloads.spooled(in, name(), e, e.size()) : in;
    }

    /**
     * Writes the payload to {@code target} and returns the byte count; nothing is written unless the whole payload
     * passed its checks ({@link #openVerified}). The one implementation for every archive: {@link #openVerified}
     * copied through a buffer of up to 1 MiB.
     */
    default long transferTo(String name, WritableByteChannel target) {
        byte[] buf = new byte[(int) Math.min(Math.max(entry(name).size(), 1), 1 << 20)];
        long total = 0;
        try (InputStream in = openVerified(name)) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    target.write(bb);
                }
                total += n;
            }
        } catch (java.io.IOException ex) {
            throw new DesIoException(name(), name() + ": cannot copy entry '" + name + "'", ex);
        }
        return total;
    }

    /**
     * Reads many entries, in offset order, merging nearby ranges into single reads. The result has the requested
     * names in request order; a missing name fails the whole call with {@link DesEntryNotFoundException}.
     */
    Map<String, ByteBuffer> readAll(Collection<String> names);

    /**
     * Reads every index record to its end (each record of a duplicated name too), checking lengths, external objects
     * and checksums (when present). Structural damage is already refused when the archive is opened; this finds
     * damaged payloads and missing externals.
     */
    default DesVerifyReport verify() {
        List<DesVerifyReport.Problem> problems = new java.util.ArrayList<>();
        long bytes = 0;
        int checksummed = 0;
        byte[] buf = new byte[64 * 1024];
        for (DesEntry e : list()) {
            if (e.hasCrc32c()) {
                checksummed++;
            }
            try (InputStream in = openStream(e)) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    bytes += n;
                }
            } catch (DesException ex) {
                problems.add(DesVerifyReport.Problem.of(e.name(), ex));
            } catch (java.io.IOException ex) {
                problems.add(DesVerifyReport.Problem.of(e.name(),
                        new DesIoException(name(), name() + ": cannot read '" + e.name() + "'", ex)));
            }
        }
        return new DesVerifyReport(name(), list().size(), bytes, checksummed, index().footer().hasCrc32c(), problems);
    }

    @Override
    void close();
}
