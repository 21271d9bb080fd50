package io.stowage.archiver;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the first pass over the input, output and trash trees found, before any action is planned: the totals for
 * progress (source files and bytes) and for the size cap (every byte counted once).
 *
 * <p>{@code ArchiveTotals t = plan.totals(); System.out.println(t.sources() + " recordings, " + t.totalBytes());}
 *
 * @param days days with recordings, outputs or trash
 * @param sources MP4 recordings in the input
 * @param sourceBytes their bytes
 * @param snapshots JPG snapshots in the input
 * @param outputs archived outputs in the output tree
 * @param trashed recordings (MP4 and JPG files) in the trash
 * @param unrecognised files whose names did not parse (never acted on)
 * @param inputBytes every byte of the input, the output and trash trees excluded
 * @param outputBytes every byte of the output tree
 * @param trashBytes every byte of the trash tree
 *
 * <p>Immutable, so thread-safe.
 */
public record ArchiveTotals(int days, long sources, long sourceBytes, long snapshots, long outputs, long trashed,
        long unrecognised, long inputBytes, long outputBytes, long trashBytes) {

    /** Input, output and trash bytes together: what {@link ArchiveOptions#maxSize()} caps. */
    @JsonProperty("total_bytes")
    public long totalBytes() {
        return inputBytes + outputBytes + trashBytes;
    }
}
