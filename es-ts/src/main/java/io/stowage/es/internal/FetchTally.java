package io.stowage.es.internal;

import io.stowage.es.EsCorruption;
import io.stowage.es.EsFailure;
import io.stowage.es.EsFetchReport;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fetch found besides the stitched bytes: missing and failed keys, corrupt ranges, segments read and resumed;
 * and the report built from it and the stitcher. Preroll segments are read but not reported. Reports stay bounded:
 * adjacent corrupt ranges of one segment and one kind merge into one range, and each list keeps its first
 * {@code maxReported} entries besides the total count. Not thread-safe: the writing thread only.
 */
final class FetchTally {
    static final String EMPTY_RECORD = "empty record: payload size 0 (skipped, no data lost)";
    static final String EMPTY_RECORDS = "empty records: payload size 0 (skipped, no data lost)";

    final int maxReported;
    final List<String> missing = new ArrayList<>();
    final List<EsFailure> failed = new ArrayList<>();
    final List<EsCorruption> corrupt = new ArrayList<>();
    long missingCount;
    long failedCount;
    long corruptCount;
    int segmentsFetched;
    int segmentsResumed;
    /** The last corrupt range, even when no longer kept in {@link #corrupt} (for merging). */
    private EsCorruption lastCorrupt;

    FetchTally(int maxReported) {
        this.maxReported = maxReported;
    }

    /** A segment could not be read: missing ({@code failure} null) or failed after {@code attempts}. */
    void lost(FetchPlan.Item item, String failure, int attempts) {
        if (item.preroll()) {
            return;
        }
        if (failure == null) {
            missing(item.segment().key());
        } else {
            failed(new EsFailure(item.segment().key(), failure, attempts));
        }
    }

    void missing(String key) {
        missingCount++;
        if (missing.size() < maxReported) {
            missing.add(key);
        }
    }

    void failed(EsFailure f) {
        failedCount++;
        if (failed.size() < maxReported) {
            failed.add(f);
        }
    }

    /**
     * A corrupt range: merged into the previous one when it is of the same segment, starts where that one ends and is
     * of the same kind (both empty records, or both skipped bytes).
     */
    void corrupt(EsCorruption c) {
        EsCorruption last = lastCorrupt;
        if (last != null && last.key().equals(c.key()) && last.offset() + last.length() == c.offset()
                && isEmptyRecords(last) == isEmptyRecords(c)) {
            EsCorruption merged = new EsCorruption(last.key(), last.offset(), last.length() + c.length(),
                    isEmptyRecords(c) ? EMPTY_RECORDS : last.reason());
            lastCorrupt = merged;
            int i = corrupt.size() - 1;
            if (i >= 0 && corrupt.get(i).key().equals(last.key()) && corrupt.get(i).offset() == last.offset()) {
                corrupt.set(i, merged);
            }
            return;
        }
        lastCorrupt = c;
        corruptCount++;
        if (corrupt.size() < maxReported) {
            corrupt.add(c);
        }
    }

    private static boolean isEmptyRecords(EsCorruption c) {
        return c.reason().startsWith("empty record");
    }

    EsFetchReport report(String source, Instant from, Instant to, String output, FetchPlan plan, Stitcher st,
            long bytes, long t0) {
        return new EsFetchReport(source, output, from, to,
                st.firstUtc() == Long.MIN_VALUE ? null : GapLog.instant(st.firstUtc()),
                st.lastUtc() == Long.MIN_VALUE ? null : GapLog.instant(st.lastUtc()),
                plan.expected(), segmentsFetched, segmentsResumed, missing, failed, corrupt, st.gaps(), st.records(),
                st.recordsTrimmed(), st.discontinuities(), bytes, (System.nanoTime() - t0) / 1e9, missingCount,
                failedCount, corruptCount);
    }

    /** The message of {@code EsNothingInRangeException}. */
    String nothingInRange(String source, Instant from, Instant to, FetchPlan plan) {
        return "no valid record in [" + from + ", " + to + ") at " + source + ": " + missingCount + " of "
                + plan.expected() + " segments missing, " + failedCount + " failed, " + corruptCount
                + " corrupt ranges";
    }

    /** Restores the lists and counts of a checkpoint. */
    void restore(List<String> m, List<EsFailure> f, List<EsCorruption> c, long mCount, long fCount, long cCount,
            int fetched) {
        missing.addAll(m);
        failed.addAll(f);
        corrupt.addAll(c);
        missingCount = Math.max(mCount, m.size());
        failedCount = Math.max(fCount, f.size());
        corruptCount = Math.max(cCount, c.size());
        lastCorrupt = null; // a merge across a checkpoint is not needed: a segment is never split by one
        segmentsFetched = fetched;
    }
}
