package io.stowage.des;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * How many payloads are read with few reads: the entries sorted by offset, neighbours merged into one read while the
 * gap between them is at most {@code mergeGap} and the read stays within {@code maxMergedRead} bytes (an entry larger
 * than that is read alone). The one planner of {@link DesReader#readAll} and des-s3's {@code S3DesReader} (its
 * {@code readAll} and {@code verify}), so local and S3 archives merge reads the same way.
 *
 * <pre>{@code
 * for (DesReadPlan.Read read : DesReadPlan.plan(entries, o.mergeGap(), o.maxMergedRead())) {
 *     byte[] block = readRange(read.start(), read.length());
 *     for (DesEntry e : read.entries()) {
 *         ByteBuffer payload = ByteBuffer.wrap(block, read.offsetOf(e), (int) e.size());
 *     }
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe; the plans it returns are immutable.
 */
public final class DesReadPlan {
    private DesReadPlan() {
    }

    /**
     * One read of {@code [start, end)} of the archive serving {@code entries} (by offset).
     *
     * @param start   absolute offset of the first byte
     * @param end     absolute offset after the last byte
     * @param entries the entries inside the range, sorted by offset (unmodifiable)
     */
    public record Read(long start, long end, List<DesEntry> entries) {
        /** Bytes of the read ({@code end - start}; may exceed an int for one huge entry: check before allocating). */
        public long length() {
            return end - start;
        }

        /** Where {@code e}'s payload starts in this read's bytes. */
        public int offsetOf(DesEntry e) {
            return (int) (e.dataOffset() - start);
        }
    }

    /**
     * Plans the reads of the entries' payloads (stored inside the archive; the caller leaves out external ones).
     *
     * @param entries       entries to read, any order (not modified)
     * @param mergeGap      largest gap in bytes between two payloads read in one go
     * @param maxMergedRead largest merged read in bytes; an entry larger than this is read alone
     * @return the reads in offset order
     */
    public static List<Read> plan(Collection<DesEntry> entries, long mergeGap, long maxMergedRead) {
        List<DesEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(DesEntry::dataOffset));
        List<Read> out = new ArrayList<>();
        int i = 0;
        while (i < sorted.size()) {
            DesEntry first = sorted.get(i);
            long start = first.dataOffset();
            long end = start + first.size();
            int j = i + 1;
            while (j < sorted.size() && first.size() <= maxMergedRead) {
                DesEntry next = sorted.get(j);
                long nextEnd = Math.max(end, next.dataOffset() + next.size());
                if (next.dataOffset() - end > mergeGap || nextEnd - start > maxMergedRead) {
                    break;
                }
                end = nextEnd;
                j++;
            }
            out.add(new Read(start, end, Collections.unmodifiableList(sorted.subList(i, j))));
            i = j;
        }
        return out;
    }
}
