package io.stowage.es.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * MPEG-TS packet fields and PSI (PAT/PMT) sections, ISO/IEC 13818-1. Static functions over a 188-byte packet at
 * {@code b[p]}; the {@link Assembler} joins sections that span packets. Not thread-safe (assemblers hold state).
 */
final class Psi {
    static final int PACKET = 188;
    static final int NULL_PID = 0x1FFF;
    static final int PAT_PID = 0;

    private static final int[] CRC_TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 24;
            for (int k = 0; k < 8; k++) {
                c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            }
            CRC_TABLE[i] = c;
        }
    }

    private Psi() {
    }

    static int pid(byte[] b, int p) {
        return (b[p + 1] & 0x1F) << 8 | (b[p + 2] & 0xFF);
    }

    static boolean pusi(byte[] b, int p) {
        return (b[p + 1] & 0x40) != 0;
    }

    /** adaptation_field_control: 1 payload only, 2 adaptation only, 3 both, 0 reserved. */
    static int afc(byte[] b, int p) {
        return (b[p + 3] >> 4) & 3;
    }

    static int cc(byte[] b, int p) {
        return b[p + 3] & 0x0F;
    }

    static boolean hasAdaptationFlags(byte[] b, int p) {
        return (afc(b, p) & 2) != 0 && (b[p + 4] & 0xFF) > 0;
    }

    static boolean discontinuity(byte[] b, int p) {
        return hasAdaptationFlags(b, p) && (b[p + 5] & 0x80) != 0;
    }

    static boolean randomAccess(byte[] b, int p) {
        return hasAdaptationFlags(b, p) && (b[p + 5] & 0x40) != 0;
    }

    /** The PCR in 27 MHz ticks, or -1 if the packet carries none. */
    static long pcr(byte[] b, int p) {
        if (!hasAdaptationFlags(b, p) || (b[p + 5] & 0x10) == 0 || (b[p + 4] & 0xFF) < 7) {
            return -1;
        }
        long base = (long) (b[p + 6] & 0xFF) << 25 | (long) (b[p + 7] & 0xFF) << 17 | (long) (b[p + 8] & 0xFF) << 9
                | (long) (b[p + 9] & 0xFF) << 1 | (b[p + 10] & 0xFF) >> 7;
        int ext = (b[p + 10] & 0x01) << 8 | (b[p + 11] & 0xFF);
        return base * 300 + ext;
    }

    /** Offset of the payload within the packet array, or -1 if the packet has no payload. */
    static int payloadStart(byte[] b, int p) {
        int afc = afc(b, p);
        if ((afc & 1) == 0) {
            return -1;
        }
        int s = p + 4;
        if ((afc & 2) != 0) {
            s += 1 + (b[p + 4] & 0xFF);
        }
        return s < p + PACKET ? s : -1;
    }

    /**
     * An adaptation-only packet of {@code pid} with discontinuity_indicator set and continuity counter {@code cc}:
     * marks that the counter of the next packet may jump (ISO 13818-1 2.4.3.5).
     */
    static byte[] discontinuityPacket(int pid, int cc) {
        byte[] d = new byte[PACKET];
        java.util.Arrays.fill(d, (byte) 0xFF);
        d[0] = 0x47;
        d[1] = (byte) ((pid >> 8) & 0x1F);
        d[2] = (byte) pid;
        d[3] = (byte) (0x20 | (cc & 0x0F));
        d[4] = (byte) 183;
        d[5] = (byte) 0x80;
        return d;
    }

    /** CRC-32/MPEG-2 of {@code b[off, off + len)}; 0 over a whole section including its CRC means valid. */
    static int crc32(byte[] b, int off, int len) {
        int crc = 0xFFFFFFFF;
        for (int i = off; i < off + len; i++) {
            crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b[i]) & 0xFF];
        }
        return crc;
    }

    /** program_number → PMT PID pairs of a PAT section (program 0, the NIT, left out). */
    static List<int[]> patPrograms(byte[] s, int len) {
        List<int[]> out = new ArrayList<>();
        if (len < 12 || (s[0] & 0xFF) != 0x00) {
            return out;
        }
        for (int i = 8; i + 4 <= len - 4; i += 4) {
            int program = (s[i] & 0xFF) << 8 | (s[i + 1] & 0xFF);
            int pid = (s[i + 2] & 0x1F) << 8 | (s[i + 3] & 0xFF);
            if (program != 0) {
                out.add(new int[] {program, pid});
            }
        }
        return out;
    }

    /** A parsed PMT: PCR PID and (stream_type, elementary PID) pairs; null if not a PMT section. */
    record Pmt(int program, int pcrPid, List<int[]> streams) {
    }

    static Pmt pmt(byte[] s, int len) {
        if (len < 16 || (s[0] & 0xFF) != 0x02) {
            return null;
        }
        int program = (s[3] & 0xFF) << 8 | (s[4] & 0xFF);
        int pcrPid = (s[8] & 0x1F) << 8 | (s[9] & 0xFF);
        int pil = (s[10] & 0x0F) << 8 | (s[11] & 0xFF);
        List<int[]> streams = new ArrayList<>();
        int i = 12 + pil;
        while (i + 5 <= len - 4) {
            int type = s[i] & 0xFF;
            int pid = (s[i + 1] & 0x1F) << 8 | (s[i + 2] & 0xFF);
            int esl = (s[i + 3] & 0x0F) << 8 | (s[i + 4] & 0xFF);
            streams.add(new int[] {type, pid});
            i += 5 + esl;
        }
        return new Pmt(program, pcrPid, streams);
    }

    /** Whether a PMT stream_type is video (MPEG-1/2, MPEG-4 part 2, H.264, HEVC, VVC, VC-1, AVS). */
    static boolean isVideo(int streamType) {
        return switch (streamType) {
            case 0x01, 0x02, 0x10, 0x1B, 0x20, 0x24, 0x33, 0x42, 0xD1, 0xEA -> true;
            default -> false;
        };
    }

    /** A short name of a stream_type for reports. */
    static String streamTypeName(int t) {
        return switch (t) {
            case 0x01 -> "mpeg1-video";
            case 0x02 -> "mpeg2-video";
            case 0x03 -> "mpeg1-audio";
            case 0x04 -> "mpeg2-audio";
            case 0x06 -> "private-pes";
            case 0x0F -> "aac";
            case 0x10 -> "mpeg4-video";
            case 0x11 -> "aac-latm";
            case 0x15 -> "metadata";
            case 0x1B -> "h264";
            case 0x24 -> "hevc";
            case 0x33 -> "vvc";
            case 0x81 -> "ac3";
            case 0x87 -> "eac3";
            default -> String.format("0x%02x", t);
        };
    }

    /**
     * Whether the PES starting in this packet (PUSI set) begins with a coded picture a decoder can start from: the
     * random_access_indicator, or an H.264 IDR / HEVC IRAP NAL unit within this packet.
     */
    static boolean startsRandomAccess(byte[] b, int p, int streamType) {
        if (!pusi(b, p)) {
            return false;
        }
        if (randomAccess(b, p)) {
            return true;
        }
        int s = payloadStart(b, p);
        int end = p + PACKET;
        if (s < 0 || s + 9 > end || b[s] != 0 || b[s + 1] != 0 || b[s + 2] != 1) {
            return false;
        }
        int i = s + 9 + (b[s + 8] & 0xFF);
        for (; i + 3 < end; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                int h = b[i + 3] & 0xFF;
                if (streamType == 0x1B && (h & 0x1F) == 5) {
                    return true;
                }
                if (streamType == 0x24) {
                    int t = (h >> 1) & 0x3F;
                    if (t >= 16 && t <= 21) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Receives complete sections. */
    interface SectionHandler {
        void section(int pid, byte[] s, int len);
    }

    /** Joins the sections of one PID across packets (pointer_field, multiple sections per packet). */
    static final class Assembler {
        private final int pid;
        private final byte[] buf = new byte[4096 + PACKET];
        private int len;
        private boolean active;

        Assembler(int pid) {
            this.pid = pid;
        }

        /** Forgets a partly received section (after a gap). */
        void reset() {
            active = false;
            len = 0;
        }

        void feed(byte[] b, int p, SectionHandler h) {
            int s = payloadStart(b, p);
            if (s < 0) {
                return;
            }
            int end = p + PACKET;
            if (pusi(b, p)) {
                int pointer = b[s] & 0xFF;
                s++;
                if (active && pointer > 0) {
                    append(b, s, Math.min(pointer, end - s));
                    complete(h);
                }
                active = false;
                len = 0;
                s += pointer;
                while (s < end && (b[s] & 0xFF) != 0xFF) {
                    active = true;
                    len = 0;
                    append(b, s, end - s);
                    int used = complete(h);
                    if (used <= 0) {
                        break;
                    }
                    s += used;
                }
            } else if (active) {
                append(b, s, end - s);
                complete(h);
            }
        }

        private void append(byte[] b, int s, int n) {
            if (n <= 0) {
                return;
            }
            if (len + n > buf.length) {
                active = false;
                len = 0;
                return;
            }
            System.arraycopy(b, s, buf, len, n);
            len += n;
        }

        /** Delivers a complete section; returns its length, 0 if incomplete, -1 if invalid. */
        private int complete(SectionHandler h) {
            if (!active || len < 3) {
                return 0;
            }
            int total = 3 + ((buf[1] & 0x0F) << 8 | (buf[2] & 0xFF));
            if (total > 4096) {
                active = false;
                len = 0;
                return -1;
            }
            if (len < total) {
                return 0;
            }
            active = false;
            h.section(pid, buf, total);
            return total;
        }
    }
}
