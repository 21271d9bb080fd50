package io.stowage.es.internal;

import io.stowage.es.EsGap;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The gaps of the output: lost segments (added directly) and <em>suspected</em> gaps, a join after which data may
 * have been lost. A suspicion opens at the last record before a join, ends at the first record after it, and becomes a
 * gap only if the stream does not continue there (a discontinuity marker was needed). Adjacent gaps of the same reason
 * merge. Not thread-safe: the stitcher's thread only.
 */
final class GapLog {
    static final long NONE = Long.MIN_VALUE;

    /**
     * The part of the state a checkpoint keeps.
     *
     * @param from       start of the suspected gap (utc_ns) or {@link #NONE}
     * @param to         its end, or {@link #NONE} while no record followed the join
     * @param confirmed  whether a discontinuity was marked after the join
     * @param suppressed whether a lost segment already explains the next join
     * @param reason     why the join happened, or null
     */
    record Suspect(long from, long to, boolean confirmed, boolean suppressed, String reason) {
        static final Suspect NOTHING = new Suspect(NONE, NONE, false, false, null);
    }

    private final List<EsGap> gaps = new ArrayList<>();
    private long suspectFrom = NONE;
    private long suspectTo = NONE;
    private String suspectReason;
    private boolean suspectConfirmed;
    private boolean suppressSuspect;

    /**
     * A join at {@code lastUtc} (the last record written, or {@link #NONE}); {@code reason} null for a join that
     * suspects nothing (a lost segment, reported as its own gap).
     */
    void joined(String reason, long lastUtc) {
        finishSuspect(false);
        if (suspectFrom != NONE && suspectTo == NONE && reason != null && !reason.equals("discontinuity")) {
            suspectReason = reason; // a known loss explains the join better
        }
        if (reason != null && lastUtc != NONE && suspectFrom == NONE && !suppressSuspect) {
            suspectFrom = lastUtc;
            suspectTo = NONE;
            suspectReason = reason;
            suspectConfirmed = false;
        }
    }

    /** A record at {@code utcNs} is being written: it ends an open suspicion. */
    void recordStarts(long utcNs) {
        if (suspectFrom != NONE && suspectTo == NONE) {
            suspectTo = utcNs;
        }
    }

    /** A discontinuity marker was written before a packet of the record at {@code currentUtc}. */
    void discontinuityMarked(long lastUtc, long currentUtc) {
        suspectConfirmed |= suspectFrom != NONE;
        if (suspectFrom == NONE && lastUtc != NONE && !suppressSuspect) {
            // a join without known loss whose stream does not continue: a recorder discontinuity
            suspectFrom = lastUtc;
            suspectTo = currentUtc;
            suspectReason = "discontinuity";
            suspectConfirmed = true;
        }
    }

    /** Every PID passed its join check. */
    void joinSettled() {
        finishSuspect(false);
        suppressSuspect = false;
    }

    /** A lost segment explains the next join: it opens no suspicion. */
    void suppressNextSuspect() {
        suppressSuspect = true;
    }

    void allowSuspect() {
        suppressSuspect = false;
    }

    /** Ends the output: a pending suspicion is settled. */
    void finish() {
        finishSuspect(true);
    }

    private void finishSuspect(boolean force) {
        if (suspectFrom == NONE) {
            return;
        }
        if (!force && suspectTo == NONE && !suspectConfirmed) {
            return; // nothing written since: the next join continues this suspicion
        }
        if (suspectConfirmed) {
            long to = suspectTo == NONE ? suspectFrom : suspectTo;
            add(suspectFrom, Math.max(to, suspectFrom), suspectReason);
        }
        suspectFrom = NONE;
        suspectTo = NONE;
        suspectReason = null;
        suspectConfirmed = false;
    }

    /** A gap [f, t) in utc_ns, merged with the previous one if they touch and share the reason. */
    void add(long f, long t, String reason) {
        Instant fi = instant(f);
        Instant ti = instant(t);
        if (!gaps.isEmpty()) {
            EsGap last = gaps.get(gaps.size() - 1);
            if (!fi.isAfter(last.to()) && last.reason().equals(reason)) {
                gaps.set(gaps.size() - 1, new EsGap(last.from(), ti.isAfter(last.to()) ? ti : last.to(), reason));
                return;
            }
        }
        gaps.add(new EsGap(fi, ti, reason));
    }

    List<EsGap> gaps() {
        return List.copyOf(gaps);
    }

    Suspect suspect() {
        return new Suspect(suspectFrom, suspectTo, suspectConfirmed, suppressSuspect, suspectReason);
    }

    /** Restores the gaps and the suspicion of a checkpoint. */
    void restore(List<EsGap> saved, Suspect s) {
        gaps.clear();
        gaps.addAll(saved);
        suspectFrom = s.from();
        suspectTo = s.to();
        suspectConfirmed = s.confirmed();
        suppressSuspect = s.suppressed();
        suspectReason = s.reason();
    }

    static Instant instant(long ns) {
        return Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
    }
}
