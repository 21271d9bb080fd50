package io.stowage.es.internal;

import java.util.Arrays;

/**
 * Trim's held data before {@code from}: copies of the last PAT/PMT, then the packets from the last keyframe on, the
 * join positions within them, and the records they hold. Not thread-safe: the stitcher's thread only.
 */
final class Preroll {
    static final long NONE = Long.MIN_VALUE;

    private byte[] buf = new byte[0];
    private int len;
    private boolean hasKey;
    private long keyUtc = NONE;
    private long lastUtc = NONE;
    private int psiEnd;
    private long records;
    private int[] joins = new int[16];
    private int joinCount;

    byte[] bytes() {
        return buf;
    }

    int length() {
        return len;
    }

    boolean hasKey() {
        return hasKey;
    }

    long keyUtc() {
        return keyUtc;
    }

    /** utc_ns of the last record held, or of the keyframe's if none followed it. */
    long lastUtc() {
        return lastUtc == NONE ? keyUtc : lastUtc;
    }

    /** End of the PAT/PMT copies at the start of the held bytes. */
    int psiEnd() {
        return psiEnd;
    }

    long records() {
        return records;
    }

    /** A join at the current end of the held bytes (only once a keyframe is held). */
    void markJoin() {
        if (!hasKey) {
            return;
        }
        if (joinCount == joins.length) {
            joins = Arrays.copyOf(joins, joinCount * 2);
        }
        joins[joinCount++] = len;
    }

    int joinCount() {
        return joinCount;
    }

    int join(int i) {
        return joins[i];
    }

    /** The held bytes so far are the table copies; a keyframe at {@code utcNs} follows. */
    void keyframeAt(long utcNs) {
        psiEnd = len;
        hasKey = true;
        keyUtc = utcNs;
    }

    /** A record whose packets were appended. */
    void recordHeld(long utcNs) {
        records++;
        lastUtc = utcNs;
    }

    void append(byte[] b, int p) {
        if (len + Psi.PACKET > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(64 * Psi.PACKET, buf.length * 2));
        }
        System.arraycopy(b, p, buf, len, Psi.PACKET);
        len += Psi.PACKET;
    }

    /**
     * Drops everything held.
     *
     * @return the records dropped
     */
    long clear() {
        long dropped = records;
        psiEnd = 0;
        records = 0;
        lastUtc = NONE;
        len = 0;
        hasKey = false;
        keyUtc = NONE;
        joinCount = 0;
        return dropped;
    }
}
