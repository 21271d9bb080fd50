package io.stowage.des;

import java.util.List;

/**
 * What {@link DesArchive#verify()} found: every entry read to its end and its checksum (when present) compared.
 *
 * <p>{@code DesVerifyReport r = archive.verify(); if (!r.ok()) r.problems().forEach(System.err::println);}
 *
 * @param archive  the archive's name
 * @param entries  entries checked
 * @param bytes    payload bytes read
 * @param checksummed entries that carried a {@code crc32c} (the others cannot reveal flipped payload bytes)
 * @param footerChecksum whether META+INDEX were covered by the footer CRC-32C
 * @param problems one per entry that failed, in index order
 */
public record DesVerifyReport(String archive, int entries, long bytes, int checksummed, boolean footerChecksum,
                              List<Problem> problems) {
    public DesVerifyReport {
        problems = List.copyOf(problems);
    }

    /**
     * One failed check.
     *
     * @param entry   the entry's name, or {@code null} for the archive's structure
     * @param field   the field of DES-V1.md that is wrong
     * @param offset  absolute offset in the archive, or -1
     * @param type    the exception type that reported it
     * @param message what is wrong and what to do
     */
    public record Problem(String entry, String field, long offset, String type, String message) {
        /** A problem from an exception. */
        public static Problem of(String entry, DesException e) {
            if (e instanceof DesCorruptException c) {
                return new Problem(entry, c.field(), c.offset(), e.getClass().getSimpleName(), e.getMessage());
            }
            return new Problem(entry, null, -1, e.getClass().getSimpleName(), e.getMessage());
        }
    }

    /** True when nothing failed. */
    public boolean ok() {
        return problems.isEmpty();
    }
}
