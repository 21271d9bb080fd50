package io.stowage.es.internal;

import io.stowage.es.EsCorruption;
import io.stowage.es.EsFailure;
import io.stowage.es.EsFetchReport;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fetch found besides the stitched bytes: missing and failed keys, corrupt ranges, segments read and resumed;
 * and the report built from it and the stitcher. Preroll segments are read but not reported. Not thread-safe: the
 * writing thread only.
 */
final class FetchTally {
    final List<String> missing = new ArrayList<>();
    final List<EsFailure> failed = new ArrayList<>();
    final List<EsCorruption> corrupt = new ArrayList<>();
    int segmentsFetched;
    int segmentsResumed;

    /** A segment could not be read: missing ({@code failure} null) or failed after {@code attempts}. */
    void lost(FetchPlan.Item item, String failure, int attempts) {
        if (item.preroll()) {
            return;
        }
        if (failure == null) {
            missing.add(item.segment().key());
        } else {
            failed.add(new EsFailure(item.segment().key(), failure, attempts));
        }
    }

    EsFetchReport report(String source, Instant from, Instant to, String output, FetchPlan plan, Stitcher st,
            long bytes, long t0) {
        return new EsFetchReport(source, output, from, to,
                st.firstUtc() == Long.MIN_VALUE ? null : GapLog.instant(st.firstUtc()),
                st.lastUtc() == Long.MIN_VALUE ? null : GapLog.instant(st.lastUtc()),
                plan.expected(), segmentsFetched, segmentsResumed, missing, failed, corrupt, st.gaps(), st.records(),
                st.recordsTrimmed(), st.discontinuities(), bytes, (System.nanoTime() - t0) / 1e9);
    }

    /** The message of {@code EsNothingInRangeException}. */
    String nothingInRange(String source, Instant from, Instant to, FetchPlan plan) {
        return "no valid record in [" + from + ", " + to + ") at " + source + ": " + missing.size() + " of "
                + plan.expected() + " segments missing, " + failed.size() + " failed, " + corrupt.size()
                + " corrupt ranges";
    }
}
