package io.stowage.es.internal;

import io.stowage.es.EsGap;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns validated records, in time order, into one TS: keeps continuity at joins, trims to [from, to) at a PAT/PMT and
 * a keyframe, and records what it did.
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
public final class Stitcher {
    /** Where output bytes go. */
    public interface Sink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    private enum Mode { PREROLL, WAIT_KEYFRAME, RUNNING }

    private static final long NONE = Long.MIN_VALUE;

    private final Sink out;
    private final boolean trim;
    private final long fromNs;
    private final long toNs;
    private final long maxPrerollBytes;

    private Mode mode;
    private final int[] lastCc = new int[8192];
    private final boolean[] known = new boolean[8192];
    private final int[] knownList = new int[8192];
    private int knownCount;
    private final boolean[] pending = new boolean[8192];
    private int pendingCount;
    private boolean needJoin;
    private String needJoinReason;

    // trim: start filter
    private final boolean[] started = new boolean[8192];
    private boolean filterActive;
    private final boolean[] seenBeforeStart = new boolean[8192];
    private int filterWaiting;

    // trim: PSI tracking
    private final Psi.Assembler[] assemblers = new Psi.Assembler[8192];
    private final boolean[] pmtPid = new boolean[8192];
    private final int[] streamType = new int[8192];
    private final boolean[] esPid = new boolean[8192];
    private boolean anyVideo;
    private final byte[][] currentPsi = new byte[8192][];
    private int[] currentPsiLen = new int[8192];
    private final byte[][] lastPsi = new byte[8192][];
    private int patPids = 0;
    private final int[] pmtOrder = new int[64];
    private int pmtCount;

    // trim: preroll buffer (packets from the last keyframe)
    private byte[] preroll = new byte[0];
    private int prerollLen;
    private boolean prerollHasKey;
    private long prerollKeyUtc = NONE;
    private long prerollLastUtc = NONE;
    private int prerollPsiEnd;
    private long prerollRecords;
    private boolean currentRecordHeld;
    private boolean suppressSuspect;
    private int[] prerollJoins = new int[16];
    private int prerollJoinCount;

    // results
    private long records;
    private long recordsTrimmed;
    private long discontinuities;
    private long firstUtc = NONE;
    private long lastUtc = NONE;
    private final List<EsGap> gaps = new ArrayList<>();

    // a suspected gap: a join after which a discontinuity would mean lost data
    private long suspectFrom = NONE;
    private long suspectTo = NONE;
    private String suspectReason;
    private boolean suspectConfirmed;

    private long currentUtc;
    private boolean currentRecordWrote;

    /**
     * @param trim            trim to [fromNs, toNs) starting at a keyframe; false writes every record
     * @param maxPrerollBytes most bytes held before {@code fromNs} while trimming
     */
    public Stitcher(Sink out, boolean trim, long fromNs, long toNs, long maxPrerollBytes) {
        this.out = out;
        this.trim = trim;
        this.fromNs = fromNs;
        this.toNs = toNs;
        this.maxPrerollBytes = maxPrerollBytes;
        this.mode = trim ? Mode.PREROLL : Mode.RUNNING;
        Arrays.fill(lastCc, -1);
        Arrays.fill(streamType, -1);
        assemblers[Psi.PAT_PID] = new Psi.Assembler(Psi.PAT_PID);
    }

    /**
     * Restores the state after {@code prefix} bytes already written (resume): continuity counters and PIDs are taken
     * from them, the output is running (trim start passed). Call before any other method.
     */
    public void restore(byte[] b, int off, int len, long firstUtcNs, long lastUtcNs) {
        for (int p = off; p + Psi.PACKET <= off + len; p += Psi.PACKET) {
            track(b, p);
        }
        if (len > 0) {
            mode = Mode.RUNNING;
            filterActive = false;
            firstUtc = firstUtcNs;
            lastUtc = lastUtcNs;
        }
    }

    /** A join: the next packet of every known PID is checked against its continuity counter. */
    public void join(String reason) {
        if (mode != Mode.RUNNING) {
            if (prerollHasKey) {
                if (prerollJoinCount == prerollJoins.length) {
                    prerollJoins = Arrays.copyOf(prerollJoins, prerollJoinCount * 2);
                }
                prerollJoins[prerollJoinCount++] = prerollLen;
            }
            return;
        }
        markPending(reason);
    }

    /**
     * Data was lost before the next record (bytes skipped, a record dropped). While trimming before the start, this
     * drops the held keyframe so the output starts at a clean one.
     */
    public void dataLost(String reason) {
        if (mode != Mode.RUNNING) {
            clearPreroll();
            resetPsiAssembly();
            return;
        }
        markPending(reason);
    }

    /** A missing or failed segment: reported as a gap [from, to) clipped to the range; continuity is checked after. */
    public void segmentLost(long segFromNs, long segToNs, String reason) {
        if (mode != Mode.RUNNING) {
            clearPreroll();
            resetPsiAssembly();
        } else {
            markPending(null);
        }
        suppressSuspect = true;
        long f = trim ? Math.max(segFromNs, fromNs) : segFromNs;
        long t = trim ? Math.min(segToNs, toNs) : segToNs;
        if (t > f) {
            addGap(f, t, reason);
        }
    }

    private void markPending(String suspectReasonOrNull) {
        finishSuspect(false);
        for (int i = 0; i < knownCount; i++) {
            int pid = knownList[i];
            if (!pending[pid]) {
                pending[pid] = true;
                pendingCount++;
            }
        }
        if (suspectFrom != NONE && suspectTo == NONE && suspectReasonOrNull != null
                && !suspectReasonOrNull.equals("discontinuity")) {
            suspectReason = suspectReasonOrNull; // a known loss explains the join better
        }
        if (suspectReasonOrNull != null && lastUtc != NONE && suspectFrom == NONE && !suppressSuspect) {
            suspectFrom = lastUtc;
            suspectTo = NONE;
            suspectReason = suspectReasonOrNull;
            suspectConfirmed = false;
        }
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
            addGap(suspectFrom, Math.max(to, suspectFrom), suspectReason);
        }
        suspectFrom = NONE;
        suspectTo = NONE;
        suspectReason = null;
        suspectConfirmed = false;
    }

    private void addGap(long f, long t, String reason) {
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

    /** One valid record: payload {@code b[pos, pos + len)} of whole TS packets. */
    public void record(long utcNs, byte[] b, int pos, int len) throws IOException {
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
            if (prerollHasKey) {
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
                prerollRecords++;
                prerollLastUtc = utcNs;
            } else {
                recordsTrimmed++;
            }
            return;
        }
        if (needJoin) {
            needJoin = false;
            markPending(needJoinReason);
        }
        if (suspectFrom != NONE && suspectTo == NONE) {
            suspectTo = utcNs;
        }
        if (pendingCount == 0 && !filterActive) {
            out.write(b, pos, len);
            for (int p = pos; p < pos + len; p += Psi.PACKET) {
                track(b, p);
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

    private void noteWritten(long utcNs) {
        records++;
        if (firstUtc == NONE) {
            firstUtc = utcNs;
        }
        lastUtc = utcNs;
    }

    /** Ends the output: a pending suspicion is settled. Held preroll data without a start is dropped. */
    public void finish() {
        finishSuspect(true);
    }


    // ---- per packet ----

    private void emit(byte[] b, int p) throws IOException {
        int pid = Psi.pid(b, p);
        if (filterActive && !started[pid]) {
            if (!Psi.pusi(b, p) || pid == Psi.NULL_PID) {
                return;
            }
            started[pid] = true;
            if (seenBeforeStart[pid] && --filterWaiting == 0) {
                filterActive = false; // every PID of the stream has started: back to the fast path
            }
        }
        if (pending[pid]) {
            pending[pid] = false;
            pendingCount--;
            int last = lastCc[pid];
            if (last >= 0 && pid != Psi.NULL_PID) {
                int afc = Psi.afc(b, p);
                int cc = Psi.cc(b, p);
                int expected = (afc & 1) != 0 ? (last + 1) & 0x0F : last;
                if (afc != 0 && cc != expected && !Psi.discontinuity(b, p)) {
                    byte[] d = Psi.discontinuityPacket(pid, (afc & 1) != 0 ? (cc - 1) & 0x0F : cc);
                    out.write(d, 0, Psi.PACKET);
                    discontinuities++;
                    suspectConfirmed |= suspectFrom != NONE;
                    if (suspectFrom == NONE && lastUtc != NONE && !suppressSuspect) {
                        // a join without known loss whose stream does not continue: a recorder discontinuity
                        suspectFrom = lastUtc;
                        suspectTo = currentUtc;
                        suspectReason = "discontinuity";
                        suspectConfirmed = true;
                    }
                }
            }
            if (pendingCount == 0) {
                finishSuspect(false);
                suppressSuspect = false;
            }
        }
        out.write(b, p, Psi.PACKET);
        currentRecordWrote = true;
        track(b, p);
    }

    private void track(byte[] b, int p) {
        int pid = Psi.pid(b, p);
        if (!known[pid]) {
            known[pid] = true;
            if (pid != Psi.NULL_PID) {
                knownList[knownCount++] = pid;
            }
        }
        int afc = Psi.afc(b, p);
        if ((afc & 1) != 0 || lastCc[pid] < 0) {
            lastCc[pid] = Psi.cc(b, p);
        }
    }

    private void prerollPacket(byte[] b, int p, long utcNs) throws IOException {
        int pid = Psi.pid(b, p);
        seenBeforeStart[pid] = pid != Psi.NULL_PID;
        trackPsi(b, p, pid);
        if (isKeyframe(b, p, pid)) {
            if (mode == Mode.WAIT_KEYFRAME) {
                startRunning();
                for (int i = 0; i < knownCount; i++) {
                    pending[knownList[i]] = false;
                }
                pendingCount = 0;
                writePsiCopies();
                markPsiPending();
                emit(b, p);
                markStartUtc(utcNs);
                return;
            }
            clearPreroll();
            appendPsiCopies();
            prerollPsiEnd = prerollLen;
            prerollHasKey = true;
            prerollKeyUtc = utcNs;
        }
        if (prerollHasKey) {
            currentRecordHeld = true;
            appendPreroll(b, p);
            if (prerollLen > maxPrerollBytes) {
                clearPreroll();
            }
        }
    }

    /**
     * The PAT/PMT copies at the start were captured before the keyframe, possibly across a join or a loss: check the
     * continuity of the next real PAT/PMT packet against them like at any join.
     */
    private void markPsiPending() {
        markPsiPending(Psi.PAT_PID);
        for (int i = 0; i < pmtCount; i++) {
            markPsiPending(pmtOrder[i]);
        }
    }

    private void markPsiPending(int pid) {
        if (lastCc[pid] >= 0 && !pending[pid]) {
            pending[pid] = true;
            pendingCount++;
        }
    }

    private void markStartUtc(long utcNs) {
        firstUtc = utcNs;
    }

    private void startRunning() {
        mode = Mode.RUNNING;
        filterActive = true;
        Arrays.fill(started, false);
        filterWaiting = 0;
        for (boolean seen : seenBeforeStart) {
            filterWaiting += seen ? 1 : 0;
        }
        Arrays.fill(lastCc, -1);
        Arrays.fill(known, false);
        knownCount = 0;
        Arrays.fill(pending, false);
        pendingCount = 0;
    }

    private void startFromPreroll() throws IOException {
        startRunning();
        byte[] buf = preroll;
        int len = prerollLen;
        int joinIdx = 0;
        currentUtc = prerollKeyUtc;
        for (int p = 0; p + Psi.PACKET <= len; p += Psi.PACKET) {
            while (joinIdx < prerollJoinCount && prerollJoins[joinIdx] <= p) {
                if (prerollJoins[joinIdx] > 0) {
                    markPending(null);
                }
                joinIdx++;
            }
            emit(buf, p);
            if (p + Psi.PACKET == prerollPsiEnd) {
                markPsiPending();
            }
        }
        firstUtc = prerollKeyUtc;
        lastUtc = prerollLastUtc == NONE ? prerollKeyUtc : prerollLastUtc;
        records += prerollRecords;
        prerollRecords = 0;
        suppressSuspect = false;
        clearPreroll();
    }

    private void clearPreroll() {
        prerollPsiEnd = 0;
        recordsTrimmed += prerollRecords;
        prerollRecords = 0;
        prerollLastUtc = NONE;
        prerollLen = 0;
        prerollHasKey = false;
        prerollKeyUtc = NONE;
        prerollJoinCount = 0;
    }

    private void appendPreroll(byte[] b, int p) {
        if (prerollLen + Psi.PACKET > preroll.length) {
            preroll = Arrays.copyOf(preroll, Math.max(64 * Psi.PACKET, preroll.length * 2));
        }
        System.arraycopy(b, p, preroll, prerollLen, Psi.PACKET);
        prerollLen += Psi.PACKET;
    }

    private void appendPsiCopies() {
        forEachPsiCopy(this::appendPreroll);
    }

    private void writePsiCopies() throws IOException {
        IOException[] err = new IOException[1];
        forEachPsiCopy((b, p) -> {
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

    private interface PacketAction {
        void accept(byte[] b, int p);
    }

    private void forEachPsiCopy(PacketAction action) {
        byte[] pat = lastPsi[Psi.PAT_PID];
        if (pat != null) {
            for (int p = 0; p < pat.length; p += Psi.PACKET) {
                action.accept(pat, p);
            }
        }
        for (int i = 0; i < pmtCount; i++) {
            byte[] pmt = lastPsi[pmtOrder[i]];
            if (pmt != null) {
                for (int p = 0; p < pmt.length; p += Psi.PACKET) {
                    action.accept(pmt, p);
                }
            }
        }
    }

    private void resetPsiAssembly() {
        for (Psi.Assembler a : assemblers) {
            if (a != null) {
                a.reset();
            }
        }
        Arrays.fill(currentPsi, null);
    }

    private void trackPsi(byte[] b, int p, int pid) {
        Psi.Assembler a = assemblers[pid];
        if (a == null) {
            return;
        }
        if (Psi.pusi(b, p)) {
            currentPsi[pid] = new byte[Psi.PACKET * 4];
            currentPsiLen[pid] = 0;
        }
        byte[] cur = currentPsi[pid];
        if (cur != null) {
            if (currentPsiLen[pid] + Psi.PACKET > cur.length) {
                cur = Arrays.copyOf(cur, cur.length * 2);
                currentPsi[pid] = cur;
            }
            System.arraycopy(b, p, cur, currentPsiLen[pid], Psi.PACKET);
            currentPsiLen[pid] += Psi.PACKET;
        }
        a.feed(b, p, this::onSection);
    }

    private void onSection(int pid, byte[] s, int len) {
        if (Psi.crc32(s, 0, len) != 0) {
            return;
        }
        byte[] cur = currentPsi[pid];
        if (cur != null) {
            lastPsi[pid] = Arrays.copyOf(cur, currentPsiLen[pid]);
        }
        if (pid == Psi.PAT_PID) {
            for (int[] prog : Psi.patPrograms(s, len)) {
                int pmt = prog[1];
                if (!pmtPid[pmt] && pmtCount < pmtOrder.length) {
                    pmtPid[pmt] = true;
                    pmtOrder[pmtCount++] = pmt;
                    assemblers[pmt] = new Psi.Assembler(pmt);
                }
            }
            patPids++;
        } else if (pmtPid[pid]) {
            Psi.Pmt pmt = Psi.pmt(s, len);
            if (pmt != null) {
                for (int[] st : pmt.streams()) {
                    streamType[st[1]] = st[0];
                    esPid[st[1]] = true;
                    anyVideo |= Psi.isVideo(st[0]);
                }
            }
        }
    }

    private boolean isKeyframe(byte[] b, int p, int pid) {
        if (!esPid[pid] || !Psi.pusi(b, p) || lastPsi[Psi.PAT_PID] == null) {
            return false;
        }
        int type = streamType[pid];
        if (anyVideo) {
            return Psi.isVideo(type) && Psi.startsRandomAccess(b, p, type);
        }
        return true;
    }

    // ---- results ----

    public long records() {
        return records;
    }

    public long recordsTrimmed() {
        return recordsTrimmed;
    }

    public long discontinuities() {
        return discontinuities;
    }

    /** utc_ns of the first record written (with trim: of the start keyframe), or {@link Long#MIN_VALUE}. */
    public long firstUtc() {
        return firstUtc;
    }

    public long lastUtc() {
        return lastUtc;
    }

    public boolean started() {
        return mode == Mode.RUNNING;
    }

    public List<EsGap> gaps() {
        return List.copyOf(gaps);
    }

    /** The state a checkpoint must keep besides the output bytes (see {@link #restoreState}). */
    public long[] suspectState() {
        return new long[] {suspectFrom, suspectTo, suspectConfirmed ? 1 : 0, suppressSuspect ? 1 : 0};
    }

    public String suspectReason() {
        return suspectReason;
    }

    /** Restores counters, gaps and a suspected gap from a checkpoint (resume), after {@link #restore}. */
    public void restoreState(long records, long trimmed, long discontinuities, List<EsGap> gaps, long[] suspect,
            String suspectReason) {
        this.records = records;
        this.recordsTrimmed = trimmed;
        this.discontinuities = discontinuities;
        this.gaps.clear();
        this.gaps.addAll(gaps);
        this.suspectFrom = suspect[0];
        this.suspectTo = suspect[1];
        this.suspectConfirmed = suspect[2] != 0;
        this.suppressSuspect = suspect[3] != 0;
        this.suspectReason = suspectReason;
    }

    static Instant instant(long ns) {
        return Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
    }
}
