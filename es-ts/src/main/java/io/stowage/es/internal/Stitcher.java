package io.stowage.es.internal;

import io.stowage.es.EsGap;

import java.io.IOException;
import java.util.List;

/**
 * Turns validated records, in time order, into one TS: keeps continuity at joins, trims to [from, to) at a PAT/PMT and
 * a keyframe, and records what it did. The mechanisms are its collaborators: {@link Continuity} (counters and join
 * checks), {@link StartFilter} and {@link Preroll} (trim's start), {@link PsiTracker} (the tables, for keyframes and
 * the PAT/PMT copies), {@link GapLog} (gaps and suspected gaps).
 *
 * <p>Continuity: at every join (segment start, skipped bytes, a missing segment, a dropped record) each known PID is
 * checked at its next packet; if its continuity counter does not follow (ISO 13818-1, as ffmpeg checks it) an
 * adaptation-only packet with discontinuity_indicator set is inserted before it. Record bytes are never changed, so a
 * complete, continuous recording comes out byte-identical.
 *
 * <p>Trim: records before {@code from} are held (from the last keyframe only, at most {@code maxPrerollBytes}); when the
 * first record at or after {@code from} arrives the output starts with copies of the last PAT and PMT and the last
 * keyframe; other PIDs start at their next unit start. Records at or after {@code to} are dropped.
 *
 * <p>Not thread-safe: one writer thread. After an {@link IOException} from the sink the stitcher must be discarded.
 */
final class Stitcher {
    /** Where output bytes go. */
    interface Sink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    /**
     * What a checkpoint keeps besides the output bytes (the continuity state is replayed from the bytes).
     *
     * @param records         records written
     * @param recordsTrimmed  records dropped by trim
     * @param discontinuities discontinuity markers written
     * @param firstUtc        utc_ns of the first record written, or {@link Long#MIN_VALUE}
     * @param lastUtc         utc_ns of the last record written, or {@link Long#MIN_VALUE}
     * @param gaps            gaps so far
     * @param suspect         the open suspected gap
     */
    record Snapshot(long records, long recordsTrimmed, long discontinuities, long firstUtc, long lastUtc,
            List<EsGap> gaps, GapLog.Suspect suspect) {
    }

    private enum Mode { PREROLL, WAIT_KEYFRAME, RUNNING }

    private static final long NONE = Long.MIN_VALUE;

    private final Sink out;
    private final boolean trim;
    private final long fromNs;
    private final long toNs;
    private final long maxPrerollBytes;

    private Mode mode;
    private final Continuity continuity = new Continuity();
    private final StartFilter filter = new StartFilter();
    private final PsiTracker psi = new PsiTracker(64, true, PsiTracker.Events.none());
    private final Preroll preroll = new Preroll();
    private final GapLog gapLog = new GapLog();
    private boolean needJoin;
    private String needJoinReason;
    private boolean currentRecordHeld;

    // results
    private long records;
    private long recordsTrimmed;
    private long discontinuities;
    private long firstUtc = NONE;
    private long lastUtc = NONE;

    private long currentUtc;
    private boolean currentRecordWrote;

    /**
     * @param trim            trim to [fromNs, toNs) starting at a keyframe; false writes every record
     * @param maxPrerollBytes most bytes held before {@code fromNs} while trimming
     */
    Stitcher(Sink out, boolean trim, long fromNs, long toNs, long maxPrerollBytes) {
        this.out = out;
        this.trim = trim;
        this.fromNs = fromNs;
        this.toNs = toNs;
        this.maxPrerollBytes = maxPrerollBytes;
        this.mode = trim ? Mode.PREROLL : Mode.RUNNING;
    }

    /**
     * Replays {@code b[off, off + len)} of the bytes already written (resume): continuity counters and PIDs are taken
     * from them, the output is running (trim start passed). Call before any other method, then {@link #resume}.
     */
    void replay(byte[] b, int off, int len) {
        for (int p = off; p + Psi.PACKET <= off + len; p += Psi.PACKET) {
            continuity.track(b, p);
        }
        if (len > 0) {
            mode = Mode.RUNNING;
            filter.deactivate();
        }
    }

    /** Restores counters, gaps and a suspected gap from a checkpoint (resume), after {@link #replay}. */
    void resume(Snapshot s) {
        if (mode == Mode.RUNNING) {
            firstUtc = s.firstUtc();
            lastUtc = s.lastUtc();
        }
        records = s.records();
        recordsTrimmed = s.recordsTrimmed();
        discontinuities = s.discontinuities();
        gapLog.restore(s.gaps(), s.suspect());
    }

    /** The state a checkpoint keeps (see {@link #resume}). */
    Snapshot snapshot() {
        return new Snapshot(records, recordsTrimmed, discontinuities, firstUtc, lastUtc, gapLog.gaps(),
                gapLog.suspect());
    }

    /** A join: the next packet of every known PID is checked against its continuity counter. */
    void join(String reason) {
        if (mode != Mode.RUNNING) {
            preroll.markJoin();
            return;
        }
        markPending(reason);
    }

    /**
     * Data was lost before the next record (bytes skipped, a record dropped). While trimming before the start, this
     * drops the held keyframe so the output starts at a clean one.
     */
    void dataLost(String reason) {
        if (mode != Mode.RUNNING) {
            clearPreroll();
            psi.resetAssembly();
            return;
        }
        markPending(reason);
    }

    /** A missing or failed segment: reported as a gap [from, to) clipped to the range; continuity is checked after. */
    void segmentLost(long segFromNs, long segToNs, String reason) {
        if (mode != Mode.RUNNING) {
            clearPreroll();
            psi.resetAssembly();
        } else {
            markPending(null);
        }
        gapLog.suppressNextSuspect();
        long f = trim ? Math.max(segFromNs, fromNs) : segFromNs;
        long t = trim ? Math.min(segToNs, toNs) : segToNs;
        if (t > f) {
            gapLog.add(f, t, reason);
        }
    }

    private void markPending(String suspectReasonOrNull) {
        gapLog.joined(suspectReasonOrNull, lastUtc);
        continuity.markAllPending();
    }

    /** One valid record: payload {@code b[pos, pos + len)} of whole TS packets. */
    void record(long utcNs, byte[] b, int pos, int len) throws IOException {
        if (trim && utcNs >= toNs) {
            recordsTrimmed++;
            if (mode == Mode.RUNNING) {
                needJoin = true;
                needJoinReason = "discontinuity";
            }
            return;
        }
        // a keyframe in a record stamped exactly `from` is still "at or before from": leave preroll after it
        if (mode == Mode.PREROLL && (!trim || utcNs > fromNs)) {
            if (preroll.hasKey()) {
                startFromPreroll();
            } else {
                mode = Mode.WAIT_KEYFRAME;
            }
        }
        if (mode == Mode.RUNNING && trim && utcNs < fromNs) {
            recordsTrimmed++;
            needJoin = true;
            needJoinReason = "discontinuity";
            return;
        }
        currentUtc = utcNs;
        currentRecordWrote = false;
        currentRecordHeld = false;
        if (mode != Mode.RUNNING) {
            recordBeforeStart(utcNs, b, pos, len);
            return;
        }
        if (needJoin) {
            needJoin = false;
            markPending(needJoinReason);
        }
        gapLog.recordStarts(utcNs);
        Continuity c = continuity;
        if (!c.anyPending() && !filter.active()) {
            // the hot path: a record that continues the output
            out.write(b, pos, len);
            for (int p = pos, end = pos + len; p < end; p += Psi.PACKET) {
                c.track(b, p);
            }
            noteWritten(utcNs);
            return;
        }
        for (int p = pos; p < pos + len; p += Psi.PACKET) {
            emit(b, p);
        }
        if (currentRecordWrote) {
            noteWritten(utcNs);
        } else {
            recordsTrimmed++;
        }
    }

    private void recordBeforeStart(long utcNs, byte[] b, int pos, int len) throws IOException {
        for (int p = pos; p < pos + len; p += Psi.PACKET) {
            if (mode == Mode.RUNNING) {
                emit(b, p);
            } else {
                prerollPacket(b, p, utcNs);
            }
        }
        if (currentRecordWrote) {
            noteWritten(utcNs);
        } else if (currentRecordHeld) {
            preroll.recordHeld(utcNs);
        } else {
            recordsTrimmed++;
        }
    }

    private void noteWritten(long utcNs) {
        records++;
        if (firstUtc == NONE) {
            firstUtc = utcNs;
        }
        lastUtc = utcNs;
    }

    /** Ends the output: a pending suspicion is settled. Held preroll data without a start is dropped. */
    void finish() {
        gapLog.finish();
    }

    // ---- per packet ----

    private void emit(byte[] b, int p) throws IOException {
        int pid = Psi.pid(b, p);
        if (!filter.admit(b, p, pid)) {
            return;
        }
        if (continuity.isPending(pid)) {
            int cc = continuity.resolve(b, p, pid);
            if (cc >= 0) {
                out.write(Psi.discontinuityPacket(pid, cc), 0, Psi.PACKET);
                discontinuities++;
                gapLog.discontinuityMarked(lastUtc, currentUtc);
            }
            if (!continuity.anyPending()) {
                gapLog.joinSettled();
            }
        }
        out.write(b, p, Psi.PACKET);
        currentRecordWrote = true;
        continuity.track(b, p);
    }

    private void prerollPacket(byte[] b, int p, long utcNs) throws IOException {
        int pid = Psi.pid(b, p);
        filter.seen(pid);
        psi.feed(b, p, pid);
        if (isKeyframe(b, p, pid)) {
            if (mode == Mode.WAIT_KEYFRAME) {
                startRunning();
                continuity.clearPending();
                writePsiCopies();
                markPsiPending();
                emit(b, p);
                firstUtc = utcNs;
                return;
            }
            clearPreroll();
            psi.forEachTablePacket(preroll::append);
            preroll.keyframeAt(utcNs);
        }
        if (preroll.hasKey()) {
            currentRecordHeld = true;
            preroll.append(b, p);
            if (preroll.length() > maxPrerollBytes) {
                clearPreroll();
            }
        }
    }

    /**
     * The PAT/PMT copies at the start were captured before the keyframe, possibly across a join or a loss: check the
     * continuity of the next real PAT/PMT packet against them like at any join.
     */
    private void markPsiPending() {
        psi.forEachTablePid(continuity::markPending);
    }

    private void startRunning() {
        mode = Mode.RUNNING;
        filter.activate();
        continuity.reset();
    }

    private void startFromPreroll() throws IOException {
        startRunning();
        byte[] buf = preroll.bytes();
        int len = preroll.length();
        int psiEnd = preroll.psiEnd();
        int joinIdx = 0;
        currentUtc = preroll.keyUtc();
        for (int p = 0; p + Psi.PACKET <= len; p += Psi.PACKET) {
            while (joinIdx < preroll.joinCount() && preroll.join(joinIdx) <= p) {
                if (preroll.join(joinIdx) > 0) {
                    markPending(null);
                }
                joinIdx++;
            }
            emit(buf, p);
            if (p + Psi.PACKET == psiEnd) {
                markPsiPending();
            }
        }
        firstUtc = preroll.keyUtc();
        lastUtc = preroll.lastUtc();
        records += preroll.records();
        preroll.clear(); // its records were written, not trimmed
        gapLog.allowSuspect();
    }

    private void clearPreroll() {
        recordsTrimmed += preroll.clear();
    }

    private void writePsiCopies() throws IOException {
        IOException[] err = new IOException[1];
        psi.forEachTablePacket((b, p) -> {
            if (err[0] == null) {
                try {
                    emit(b, p);
                } catch (IOException e) {
                    err[0] = e;
                }
            }
        });
        if (err[0] != null) {
            throw err[0];
        }
    }

    private boolean isKeyframe(byte[] b, int p, int pid) {
        if (!psi.isEsPid(pid) || !Psi.pusi(b, p) || !psi.hasPat()) {
            return false;
        }
        int type = psi.streamType(pid);
        if (psi.anyVideo()) {
            return Psi.isVideo(type) && Psi.startsRandomAccess(b, p, type);
        }
        return true;
    }

    // ---- results ----

    long records() {
        return records;
    }

    long recordsTrimmed() {
        return recordsTrimmed;
    }

    long discontinuities() {
        return discontinuities;
    }

    /** utc_ns of the first record written (with trim: of the start keyframe), or {@link Long#MIN_VALUE}. */
    long firstUtc() {
        return firstUtc;
    }

    long lastUtc() {
        return lastUtc;
    }

    boolean started() {
        return mode == Mode.RUNNING;
    }

    List<EsGap> gaps() {
        return gapLog.gaps();
    }
}
