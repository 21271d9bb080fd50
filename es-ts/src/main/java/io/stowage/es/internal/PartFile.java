package io.stowage.es.internal;

import io.stowage.es.EsOutputIoException;
import io.stowage.es.EsResumeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The partial output of a fetch to a file: {@code OUT.part} and its checkpoint {@code OUT.part.json}. Decides whether
 * a resume can continue (the checkpoint belongs to this fetch and the part holds its bytes with the right CRC-32),
 * opens the part for writing, and replays its verified prefix into a stitcher. Not thread-safe: one per fetch.
 */
final class PartFile {
    private static final Logger LOG = LoggerFactory.getLogger(PartFile.class);

    private final Path part;
    private final Path state;

    /** The part files of the output {@code out} (absolute). */
    PartFile(Path out) {
        this.part = out.resolveSibling(out.getFileName() + ".part");
        this.state = out.resolveSibling(out.getFileName() + ".part.json");
    }

    Path part() {
        return part;
    }

    Path state() {
        return state;
    }

    /**
     * The checkpoint to continue from, or null to start again (nothing to resume, nothing written yet, or a part file
     * that does not hold the checkpoint's bytes: logged). {@code crc} holds the CRC-32 of the verified prefix.
     *
     * @throws io.stowage.es.EsResumeException if the checkpoint is unreadable or of another fetch
     */
    ResumeCheckpoint resumable(FetchPlan plan, CRC32 crc) {
        if (!Files.exists(part, LinkOption.NOFOLLOW_LINKS) || !Files.exists(state, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.isRegularFile(part)) {
            throw new EsResumeException(state, part + " is not a regular file; re-run the fetch without --resume"
                    + " to start again");
        }
        ResumeCheckpoint cp = ResumeCheckpoint.read(state, plan.sha256());
        long bytes = cp.bytes();
        try {
            cp.validate(state, plan, Files.size(part));
            if (bytes == 0) {
                LOG.info("nothing to resume in {}: nothing was written yet; starting again", part);
                crc.reset();
                return null;
            }
            if (crcOf(bytes, crc) != cp.crc32()) {
                throw new EsResumeException(state, "the first " + bytes + " bytes of " + part + " do not match the"
                        + " checkpoint's CRC-32 (the partial output was changed); re-run the fetch without --resume"
                        + " to start again");
            }
        } catch (IOException e) {
            throw new EsOutputIoException(part, "cannot read " + part + " to resume: " + e, e);
        }
        return cp;
    }

    /** Opens the part for writing: truncated to {@code keep} bytes and positioned there, or created empty. */
    FileChannel open(long keep, boolean resume) {
        try {
            if (resume) {
                FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.READ);
                ch.truncate(keep);
                ch.position(keep);
                return ch;
            }
            return FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new EsOutputIoException(part, "cannot open " + part + " for writing: " + e, e);
        }
    }

    /** Replays the first {@code bytes} bytes of the part (read through {@code ch}) into {@code st}, whole packets. */
    void replay(FileChannel ch, long bytes, Stitcher st) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(Psi.PACKET * 5578);
            long pos = 0;
            while (pos < bytes) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), bytes - pos));
                int r = ch.read(buf, pos);
                if (r <= 0) {
                    throw new IOException("unexpected end of " + part);
                }
                pos += r;
                int whole = buf.position() / Psi.PACKET * Psi.PACKET;
                st.replay(buf.array(), 0, whole);
                if (whole < buf.position()) {
                    pos -= buf.position() - whole;
                }
            }
        } catch (IOException e) {
            throw new EsOutputIoException(part, "cannot replay the partial output to resume: " + e, e);
        }
    }

    private long crcOf(long bytes, CRC32 crc) throws IOException {
        crc.reset();
        try (FileChannel fc = FileChannel.open(part, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long pos = 0;
            while (pos < bytes) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), bytes - pos));
                int r = fc.read(buf, pos);
                if (r <= 0) {
                    break;
                }
                crc.update(buf.array(), 0, r);
                pos += r;
            }
        }
        return crc.getValue();
    }
}
