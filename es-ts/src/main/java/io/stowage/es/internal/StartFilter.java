package io.stowage.es.internal;

import java.util.Arrays;

/**
 * Trim's start rule for the PIDs other than the start keyframe's: once the output starts, a PID is written from its
 * next unit start (PUSI) on. Goes inactive (the stitcher's fast path) once every PID seen before the start has
 * started. Not thread-safe: the stitcher's thread only.
 */
final class StartFilter {
    private final boolean[] started = new boolean[8192];
    private final boolean[] seenBeforeStart = new boolean[8192];
    private boolean active;
    private int waiting;

    /** A packet of {@code pid} was seen before the start. */
    void seen(int pid) {
        seenBeforeStart[pid] = pid != Psi.NULL_PID;
    }

    /** The output starts: every PID seen so far waits for its unit start. */
    void activate() {
        active = true;
        Arrays.fill(started, false);
        waiting = 0;
        for (boolean seen : seenBeforeStart) {
            waiting += seen ? 1 : 0;
        }
    }

    void deactivate() {
        active = false;
    }

    boolean active() {
        return active;
    }

    /** Whether the packet at {@code b[p]} may be written; the first unit start of a PID starts it. */
    boolean admit(byte[] b, int p, int pid) {
        if (!active || started[pid]) {
            return true;
        }
        if (!Psi.pusi(b, p) || pid == Psi.NULL_PID) {
            return false;
        }
        started[pid] = true;
        if (seenBeforeStart[pid] && --waiting == 0) {
            active = false; // every PID of the stream has started: back to the fast path
        }
        return true;
    }
}
