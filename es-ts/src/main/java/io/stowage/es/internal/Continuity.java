package io.stowage.es.internal;

import java.util.Arrays;

/**
 * Continuity counters of the PIDs written so far, and the joins still to check: after a join (segment start, lost
 * data) every known PID is <em>pending</em> until its next packet, whose counter either follows the last one written
 * (ISO 13818-1 2.4.3.3, as ffmpeg checks it) or needs a discontinuity marker before it.
 *
 * <p>Primitive arrays indexed by PID: {@link #track} runs for every packet written. Not thread-safe: the stitcher's
 * thread only.
 */
final class Continuity {
    private final int[] lastCc = new int[8192];
    private final boolean[] known = new boolean[8192];
    private final int[] knownList = new int[8192];
    private int knownCount;
    private final boolean[] pending = new boolean[8192];
    private int pendingCount;

    Continuity() {
        Arrays.fill(lastCc, -1);
    }

    /** Notes a packet written to the output: its PID is known, its counter the last one. */
    void track(byte[] b, int p) {
        int pid = Psi.pid(b, p);
        if (!known[pid]) {
            known[pid] = true;
            if (pid != Psi.NULL_PID) {
                knownList[knownCount++] = pid;
            }
        }
        if ((Psi.afc(b, p) & 1) != 0 || lastCc[pid] < 0) {
            lastCc[pid] = Psi.cc(b, p);
        }
    }

    /** A join: the next packet of every known PID is checked. */
    void markAllPending() {
        for (int i = 0; i < knownCount; i++) {
            int pid = knownList[i];
            if (!pending[pid]) {
                pending[pid] = true;
                pendingCount++;
            }
        }
    }

    /** The next packet of {@code pid} is checked, if a packet of it was written. */
    void markPending(int pid) {
        if (lastCc[pid] >= 0 && !pending[pid]) {
            pending[pid] = true;
            pendingCount++;
        }
    }

    boolean anyPending() {
        return pendingCount > 0;
    }

    boolean isPending(int pid) {
        return pending[pid];
    }

    /**
     * Checks the packet at {@code b[p]} of a pending PID and clears its pending mark.
     *
     * @return the counter a discontinuity packet inserted before this one must carry, or -1 if the counter follows
     *         (or the packet itself says discontinuity, or nothing of the PID was written yet)
     */
    int resolve(byte[] b, int p, int pid) {
        pending[pid] = false;
        pendingCount--;
        int last = lastCc[pid];
        if (last < 0 || pid == Psi.NULL_PID) {
            return -1;
        }
        int afc = Psi.afc(b, p);
        int cc = Psi.cc(b, p);
        int expected = (afc & 1) != 0 ? (last + 1) & 0x0F : last;
        if (afc != 0 && cc != expected && !Psi.discontinuity(b, p)) {
            return (afc & 1) != 0 ? (cc - 1) & 0x0F : cc;
        }
        return -1;
    }

    /** Forgets every pending join (the output starts afresh). */
    void clearPending() {
        for (int i = 0; i < knownCount; i++) {
            pending[knownList[i]] = false;
        }
        pendingCount = 0;
    }

    /** Forgets everything: nothing was written yet. */
    void reset() {
        Arrays.fill(lastCc, -1);
        Arrays.fill(known, false);
        knownCount = 0;
        Arrays.fill(pending, false);
        pendingCount = 0;
    }
}
