package io.stowage.es.internal;

import io.stowage.es.TsCheckReport;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The state of one {@code TsChecker} run: streaming sync, continuity, PSI and PCR analysis. Not thread-safe; one per
 * check. Public only for {@code TsChecker} (this package is not exported).
 */
public final class TsAnalyzer {
    private static final long PCR_WRAP = (1L << 33) * 300;
    private static final double TICKS = 27_000_000.0;

    private final int maxErrors;
    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private final SlidingBuffer in = new SlidingBuffer(1 << 20, 1 << 20);

    private long packets;
    private long syncLosses;
    private long bytesSkipped;
    private long ccErrors;
    private long duplicates;
    private long discontinuities;
    private long tei;
    private long crcErrors;
    private long patCount;

    private final long[] pidPackets = new long[8192];
    private final long[] pidCcErrors = new long[8192];
    private final long[] pidDuplicates = new long[8192];
    private final long[] pidPcrCount = new long[8192];
    private final double[] pidPcrMax = new double[8192];
    private final long[] lastPcr = new long[8192];
    private final int[] lastCc = new int[8192];
    private final boolean[] dupSeen = new boolean[8192];
    private final PsiTracker psi = new PsiTracker(8192, false, new PsiTracker.Events() {
        @Override
        public void onBadCrc(int pid, int tableId) {
            crcErrors++;
            error(currentPos, pid, "section CRC-32 mismatch (table_id " + tableId + ")");
        }

        @Override
        public void onPat() {
            patCount++;
        }
    });

    // PCR time axis (first PCR PID seen)
    private int clockPid = -1;
    private long clockPcr = -1;
    private double lastPatT = Double.NaN;
    private double patMax = -1;
    private final double[] lastPmtT = new double[8192];
    private double pmtMax = -1;
    private double pcrMax = -1;
    private long currentPos;

    public TsAnalyzer(int maxErrors) {
        this.maxErrors = maxErrors;
        Arrays.fill(lastPcr, -1);
        Arrays.fill(lastCc, -1);
        Arrays.fill(pidPcrMax, -1);
        Arrays.fill(lastPmtT, Double.NaN);
    }

    public TsCheckReport run(ReadableByteChannel ch, String name) throws IOException {
        boolean inSync = true;
        while (true) {
            if (!fill(ch, Psi.PACKET)) {
                break;
            }
            if (in.a[in.lo] == 0x47) {
                currentPos = in.position();
                packet(in.a, in.lo);
                in.lo += Psi.PACKET;
                inSync = true;
                continue;
            }
            long lossAt = in.position();
            if (inSync) {
                syncLosses++;
            }
            inSync = false;
            in.lo++;
            // resync: a 0x47 followed by two more at 188-byte steps (or end of data)
            while (true) {
                if (!fill(ch, 3 * Psi.PACKET)) {
                    // near the end: accept a 0x47 whose following packets (if any) also start with 0x47
                    byte[] a = in.a;
                    while (in.lo < in.hi
                            && !(a[in.lo] == 0x47 && (in.lo + Psi.PACKET >= in.hi || a[in.lo + Psi.PACKET] == 0x47))) {
                        in.lo++;
                    }
                    break;
                }
                byte[] a = in.a;
                if (a[in.lo] == 0x47 && a[in.lo + Psi.PACKET] == 0x47 && a[in.lo + 2 * Psi.PACKET] == 0x47) {
                    break;
                }
                in.lo++;
            }
            long skipped = in.position() - lossAt;
            bytesSkipped += skipped;
            error(lossAt, -1, "sync byte lost; " + skipped + " bytes skipped to the next packet");
        }
        if (in.hi > in.lo) {
            bytesSkipped += in.hi - in.lo;
            error(in.position(), -1, "partial packet of " + (in.hi - in.lo) + " bytes at the end (truncated file)");
        }
        long total = in.base + in.hi;
        if (patCount == 0 && packets > 0) {
            error(0, 0, "no PAT found: players cannot find the programs");
        }
        if (packets == 0) {
            error(0, -1, "no TS packets found");
        }
        if (patMax > 0.5) {
            warnings.add(String.format("PAT interval up to %.3f s exceeds 0.5 s (TR 101 290 1.3)", patMax));
        }
        if (pmtMax > 0.5) {
            warnings.add(String.format("PMT interval up to %.3f s exceeds 0.5 s (TR 101 290 1.5)", pmtMax));
        }
        if (pcrMax > 0.1) {
            warnings.add(String.format("PCR interval up to %.3f s exceeds 100 ms (ISO 13818-1 2.7.2)", pcrMax));
        }
        List<TsCheckReport.TsPidReport> pids = new ArrayList<>();
        for (int pid = 0; pid < 8192; pid++) {
            if (pidPackets[pid] == 0) {
                continue;
            }
            int t = psi.streamType(pid);
            pids.add(new TsCheckReport.TsPidReport(pid, role(pid), t, t < 0 ? null : Psi.streamTypeName(t),
                    pidPackets[pid], pidCcErrors[pid], pidDuplicates[pid], pidPcrCount[pid], round(pidPcrMax[pid])));
        }
        return new TsCheckReport(name, total, packets, syncLosses, bytesSkipped, ccErrors, duplicates,
                discontinuities, tei, crcErrors, patCount, round(patMax), round(pmtMax), round(pcrMax), pids, errors,
                warnings);
    }

    private static double round(double v) {
        return v < 0 ? -1 : Math.round(v * 1e6) / 1e6;
    }

    private String role(int pid) {
        if (pid == Psi.PAT_PID) {
            return "pat";
        }
        if (pid == Psi.NULL_PID) {
            return "null";
        }
        if (psi.isPmtPid(pid)) {
            return "pmt";
        }
        if (psi.streamType(pid) >= 0) {
            return "pes";
        }
        if (pid == 0x11) {
            return "sdt";
        }
        return "other";
    }

    private void error(long offset, int pid, String msg) {
        if (errors.size() < maxErrors) {
            errors.add("offset " + offset + (pid >= 0 ? ", PID " + pid : "") + ": " + msg);
        }
    }

    private void packet(byte[] b, int p) {
        packets++;
        int pid = Psi.pid(b, p);
        pidPackets[pid]++;
        if ((b[p + 1] & 0x80) != 0) {
            tei++;
            error(currentPos, pid, "transport_error_indicator set");
        }
        int afc = Psi.afc(b, p);
        boolean disc = Psi.discontinuity(b, p);
        if (disc) {
            discontinuities++;
        }
        // continuity (ISO 13818-1 2.4.3.3; the same rule ffmpeg applies)
        if (pid != Psi.NULL_PID && afc != 0) {
            int cc = Psi.cc(b, p);
            int last = lastCc[pid];
            boolean payload = (afc & 1) != 0;
            if (last >= 0 && !disc) {
                int expected = payload ? (last + 1) & 0x0F : last;
                if (cc != expected) {
                    if (payload && cc == last && !dupSeen[pid]) {
                        duplicates++;
                        pidDuplicates[pid]++;
                        dupSeen[pid] = true;
                    } else {
                        ccErrors++;
                        pidCcErrors[pid]++;
                        error(currentPos, pid, "continuity counter " + cc + ", expected " + expected);
                        dupSeen[pid] = false;
                    }
                } else {
                    dupSeen[pid] = false;
                }
            } else {
                dupSeen[pid] = false;
            }
            lastCc[pid] = cc;
        }
        // PCR
        if (disc && pid == clockPid) {
            clockPcr = -1;
            lastPatT = Double.NaN;
            Arrays.fill(lastPmtT, Double.NaN);
        }
        if (disc) {
            lastPcr[pid] = -1;
        }
        long pcr = Psi.pcr(b, p);
        if (pcr >= 0) {
            pidPcrCount[pid]++;
            if (lastPcr[pid] >= 0) {
                long d = Math.floorMod(pcr - lastPcr[pid], PCR_WRAP);
                double s = d / TICKS;
                if (s > pidPcrMax[pid]) {
                    pidPcrMax[pid] = s;
                }
                if (s > pcrMax) {
                    pcrMax = s;
                }
            }
            lastPcr[pid] = pcr;
            if (clockPid < 0) {
                clockPid = pid;
            }
            if (pid == clockPid) {
                clockPcr = pcr;
            }
        }
        // PSI
        if (psi.isTablePid(pid)) {
            if (Psi.pusi(b, p)) {
                double t = now();
                if (pid == Psi.PAT_PID) {
                    if (!Double.isNaN(t) && !Double.isNaN(lastPatT) && t - lastPatT > patMax) {
                        patMax = t - lastPatT;
                    }
                    lastPatT = t;
                } else if (psi.isPmtPid(pid)) {
                    if (!Double.isNaN(t) && !Double.isNaN(lastPmtT[pid]) && t - lastPmtT[pid] > pmtMax) {
                        pmtMax = t - lastPmtT[pid];
                    }
                    lastPmtT[pid] = t;
                }
            }
            psi.feed(b, p, pid);
        }
    }

    /**
     * Seconds on the PCR clock at the current packet: the last PCR of the clock PID before it (not extrapolated by
     * byte rate, which overshoots on variable-rate streams); NaN if no PCR was seen since the last time-base
     * discontinuity. Intervals are therefore exact to one PCR interval.
     */
    private double now() {
        return clockPcr < 0 ? Double.NaN : clockPcr / TICKS;
    }

    private boolean fill(ReadableByteChannel ch, int n) throws IOException {
        return in.fill(ch, n);
    }
}
