package io.stowage.es.internal;

import java.util.Arrays;

/**
 * Follows the program tables of a stream: assembles PAT and PMT sections across packets, learns the PMT PIDs from the
 * PAT and the elementary streams and their types from the PMTs. Serves both the stitcher (which also keeps the packets
 * of the last valid PAT/PMT, to repeat them at a trimmed start) and the TS checker (which counts PATs and CRC errors
 * through {@link Events}).
 *
 * <p>Not thread-safe: one per stream.
 */
final class PsiTracker {
    /** What the checker wants to hear about; both methods are called before the section is used. */
    interface Events {
        /** A section with a wrong CRC-32 (it is then ignored). */
        default void onBadCrc(int pid, int tableId) {
        }

        /** A valid PAT section (table_id 0). */
        default void onPat() {
        }

        static Events none() {
            return new Events() { };
        }
    }

    private final Events events;
    private final boolean keepPackets;
    private final Psi.Assembler[] assemblers = new Psi.Assembler[8192];
    private final boolean[] pmtPid = new boolean[8192];
    private final int[] streamType = new int[8192];
    private final boolean[] esPid = new boolean[8192];
    private boolean anyVideo;
    private final int[] pmtOrder;
    private int pmtCount;
    // with keepPackets: the packets of the section being received, and of the last valid one, per PID
    private final byte[][] currentPackets;
    private final int[] currentLen;
    private final byte[][] lastPackets;

    /**
     * @param maxPmts     PMT PIDs followed at most (further programs are ignored)
     * @param keepPackets keep the packets of the last valid section of each table ({@link #forEachTablePacket})
     * @param events      told of bad CRCs and PATs
     */
    PsiTracker(int maxPmts, boolean keepPackets, Events events) {
        this.events = events;
        this.keepPackets = keepPackets;
        this.pmtOrder = new int[Math.min(maxPmts, 8192)];
        this.currentPackets = keepPackets ? new byte[8192][] : null;
        this.currentLen = keepPackets ? new int[8192] : null;
        this.lastPackets = keepPackets ? new byte[8192][] : null;
        Arrays.fill(streamType, -1);
        assemblers[Psi.PAT_PID] = new Psi.Assembler(Psi.PAT_PID);
    }

    /** Whether {@code pid} carries a table followed here (the PAT or a known PMT). */
    boolean isTablePid(int pid) {
        return assemblers[pid] != null;
    }

    boolean isPmtPid(int pid) {
        return pmtPid[pid];
    }

    /** The PMT stream_type of {@code pid}, or -1. */
    int streamType(int pid) {
        return streamType[pid];
    }

    /** Whether a PMT lists {@code pid} as an elementary stream. */
    boolean isEsPid(int pid) {
        return esPid[pid];
    }

    /** Whether any PMT lists a video stream. */
    boolean anyVideo() {
        return anyVideo;
    }

    /** Whether a valid PAT was received (with keepPackets). */
    boolean hasPat() {
        return lastPackets[Psi.PAT_PID] != null;
    }

    /** Feeds the packet at {@code b[p]} of {@code pid}; other PIDs than tables are ignored. */
    void feed(byte[] b, int p, int pid) {
        Psi.Assembler a = assemblers[pid];
        if (a == null) {
            return;
        }
        if (keepPackets) {
            keep(b, p, pid);
        }
        a.feed(b, p, this::onSection);
    }

    private void keep(byte[] b, int p, int pid) {
        if (Psi.pusi(b, p)) {
            currentPackets[pid] = new byte[Psi.PACKET * 4];
            currentLen[pid] = 0;
        }
        byte[] cur = currentPackets[pid];
        if (cur != null) {
            if (currentLen[pid] + Psi.PACKET > cur.length) {
                cur = Arrays.copyOf(cur, cur.length * 2);
                currentPackets[pid] = cur;
            }
            System.arraycopy(b, p, cur, currentLen[pid], Psi.PACKET);
            currentLen[pid] += Psi.PACKET;
        }
    }

    /** Forgets partly received sections (after lost data). Tables already learnt stay. */
    void resetAssembly() {
        for (Psi.Assembler a : assemblers) {
            if (a != null) {
                a.reset();
            }
        }
        if (keepPackets) {
            Arrays.fill(currentPackets, null);
        }
    }

    private void onSection(int pid, byte[] s, int len) {
        if (Psi.crc32(s, 0, len) != 0) {
            events.onBadCrc(pid, s[0] & 0xFF);
            return;
        }
        if (keepPackets) {
            byte[] cur = currentPackets[pid];
            if (cur != null) {
                lastPackets[pid] = Arrays.copyOf(cur, currentLen[pid]);
            }
        }
        if (pid == Psi.PAT_PID) {
            if ((s[0] & 0xFF) != 0) {
                return;
            }
            events.onPat();
            for (int[] prog : Psi.patPrograms(s, len)) {
                int pmt = prog[1];
                if (!pmtPid[pmt] && pmtCount < pmtOrder.length) {
                    pmtPid[pmt] = true;
                    pmtOrder[pmtCount++] = pmt;
                    assemblers[pmt] = new Psi.Assembler(pmt);
                }
            }
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

    /** Calls {@code action} for the PAT PID and every PMT PID, in the order they were learnt. */
    void forEachTablePid(java.util.function.IntConsumer action) {
        action.accept(Psi.PAT_PID);
        for (int i = 0; i < pmtCount; i++) {
            action.accept(pmtOrder[i]);
        }
    }

    /** Receives one packet. */
    interface PacketAction {
        void accept(byte[] b, int p);
    }

    /** The packets of the last valid PAT, then of each PMT (with keepPackets), for copies at a trimmed start. */
    void forEachTablePacket(PacketAction action) {
        forEachTablePid(pid -> {
            byte[] t = lastPackets[pid];
            if (t != null) {
                for (int p = 0; p < t.length; p += Psi.PACKET) {
                    action.accept(t, p);
                }
            }
        });
    }
}
