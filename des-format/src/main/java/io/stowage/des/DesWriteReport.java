package io.stowage.des;

/**
 * What a finished {@link DesWriter} wrote.
 *
 * <p>{@code DesWriteReport r = writer.finish(); log.info("{} entries, {} bytes", r.entries(), r.archiveBytes());}
 *
 * <p>Immutable and thread-safe.
 *
 * @param archive          where (path or URL)
 * @param entries          entries in the index
 * @param dataBytes        payload bytes stored inside the archive
 * @param externalEntries  entries stored outside the archive
 * @param externalBytes    payload bytes stored outside
 * @param archiveBytes     size of the archive object
 */
public record DesWriteReport(String archive, int entries, long dataBytes, int externalEntries, long externalBytes,
                             long archiveBytes) {
}
