package io.stowage.es;

import java.time.Instant;
import java.util.List;

/**
 * What a fetch did. Serialises to the {@code --json} document of {@code stowage es fetch} (snake_case).
 *
 * <pre>{@code
 * EsFetchReport r = parser.fetch(from, to, Path.of("clip.ts"));
 * if (!r.complete()) { r.missing().forEach(System.err::println); r.gaps().forEach(System.err::println); }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param source                 where the segments came from
 * @param output                 the output file, or {@code "-"} for a stream
 * @param from                   requested start (inclusive)
 * @param to                     requested end (exclusive)
 * @param actualStart            time (utc_ns) of the first record written, or {@code null} if none; with trim, the
 *                               record holding the keyframe the output starts at
 * @param actualEnd              time of the last record written, or {@code null}
 * @param segmentsExpected       keys covering [from, to) (not counting trim preroll)
 * @param segmentsFetched        segments read (including resumed ones and preroll)
 * @param segmentsResumed        segments already in {@code OUT.part} and not fetched again
 * @param missing                keys with no object, relative to the source
 * @param failed                 keys that could not be read after every retry
 * @param corrupt                skipped byte ranges
 * @param gaps                   stretches of the range missing from the output
 * @param records                records written
 * @param recordsTrimmed         valid records dropped by trim (outside [from, to) or before the start keyframe)
 * @param discontinuitiesMarked  TS packets inserted to mark a continuity-counter discontinuity at a join
 * @param bytesWritten           bytes of the output file
 * @param durationS              wall-clock seconds the fetch took
 * @param missingCount           how many keys were missing ({@link #missing()} holds the first
 *                               {@link EsFetchOptions#maxReported()})
 * @param failedCount            how many keys failed ({@link #failed()} holds the first ones)
 * @param corruptCount           how many corrupt ranges were found, adjacent ones merged ({@link #corrupt()} holds
 *                               the first ones)
 */
public record EsFetchReport(
        String source,
        String output,
        Instant from,
        Instant to,
        Instant actualStart,
        Instant actualEnd,
        int segmentsExpected,
        int segmentsFetched,
        int segmentsResumed,
        List<String> missing,
        List<EsFailure> failed,
        List<EsCorruption> corrupt,
        List<EsGap> gaps,
        long records,
        long recordsTrimmed,
        long discontinuitiesMarked,
        long bytesWritten,
        double durationS,
        long missingCount,
        long failedCount,
        long corruptCount) {

    public EsFetchReport {
        missing = List.copyOf(missing);
        failed = List.copyOf(failed);
        corrupt = List.copyOf(corrupt);
        gaps = List.copyOf(gaps);
        missingCount = Math.max(missingCount, missing.size());
        failedCount = Math.max(failedCount, failed.size());
        corruptCount = Math.max(corruptCount, corrupt.size());
    }

    /** True when every expected segment was read and valid and nothing is missing from the range. */
    public boolean complete() {
        return missingCount == 0 && failedCount == 0 && corruptCount == 0 && gaps.isEmpty();
    }
}
