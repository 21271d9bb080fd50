package io.stowage.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stowage.des.DesEntry;
import io.stowage.des.DesVerifyReport;
import io.stowage.des.DesWriteReport;

import java.util.List;
import java.util.Map;

/**
 * The JSON documents of the {@code stowage des} commands, as records that {@link Output} writes (snake_case field
 * names, in declaration order).
 *
 * <p>{@code Output.printJson(out, DesJson.Written.of(result, seconds));}
 *
 * <p>Immutable records, so thread-safe.
 */
final class DesJson {
    private DesJson() {
    }

    /** One entry of {@code des ls --json} (the document is an array of them); {@code meta} is the stored META. */
    record Entry(String name, long size, Map<String, Object> meta, boolean external) {
        static List<Entry> of(List<DesEntry> entries) {
            return entries.stream().map(e -> new Entry(e.name(), e.size(), e.meta(), e.isExternal())).toList();
        }
    }

    /**
     * {@code des pack|repack --json}: the archive written; {@code failed} (only when some files could not be packed)
     * names each such file and why.
     */
    record Written(String archive, int entries, long dataBytes, int externalEntries, long externalBytes,
                   long archiveBytes, double durationS,
                   @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PathFailure> failed) {
        static Written of(DesWriteReport res, double seconds) {
            return of(res, seconds, List.of());
        }

        static Written of(DesWriteReport res, double seconds, List<PathFailure> failed) {
            return new Written(res.archive(), res.entries(), res.dataBytes(), res.externalEntries(),
                    res.externalBytes(), res.archiveBytes(), Math.round(seconds * 1000) / 1000.0, failed);
        }
    }

    /** A file that was not packed, and why. */
    record PathFailure(String path, String reason) {
    }

    /** {@code des unpack --json}. */
    record Unpacked(int written, int failedCount, long bytes, List<NameFailure> failed) {
    }

    /** An entry that was not unpacked, and why. */
    record NameFailure(String name, String reason) {
    }

    /** {@code des verify --json}: {@code problems} name the entry, field and offset of each. */
    record Verified(String archive, boolean ok, int entries, long bytes, int checksummedEntries,
                    boolean footerChecksum, List<DesVerifyReport.Problem> problems) {
        static Verified of(DesVerifyReport rep) {
            return new Verified(rep.archive(), rep.ok(), rep.entries(), rep.bytes(), rep.checksummed(),
                    rep.footerChecksum(), rep.problems());
        }
    }
}
