package io.stowage.es.internal;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.time.Instant;

/**
 * Streaming parser of ES segment records (27-byte little-endian header + whole TS packets), with validation and
 * resynchronisation. Never holds more than one record (at most {@code 27 + maxRecordSize} bytes) plus a read buffer.
 *
 * <p>Every header is validated: header length 27, optional start code, utc_ns inside the segment's plausible window,
 * payload size a multiple of 188, at most {@code maxRecordSize} and within the bytes left in the segment, and every
 * 188-byte packet of the payload starting with 0x47. A record is delivered only when all of it is valid; otherwise the
 * parser scans forward byte by byte for the next valid record and reports the skipped range with the first reason.
 *
 * <p>A record whose sync bytes line up but which is followed by bytes that are neither a header nor a damaged header
 * (header length 27 or a plausible utc_ns) had bytes inserted into or lost from its payload: it is held, and dropped
 * (reported with the bytes after it) if a valid record follows in the segment; if only garbage follows to the end, it
 * is kept (appended garbage) unless TS packets follow it (displaced data of damaged records). Bytes changed in place
 * inside a payload cannot be detected (the format has no checksum), nor can bytes lost from the second-to-last record
 * when not one whole packet of the last record survives (that looks like appended garbage).
 *
 * <p>After {@link #parse} returns or throws, the parser holds no state of that segment and can parse the next one.
 * An {@link IOException} from the channel or the sink propagates; the segment is then only partly delivered.
 * Not thread-safe: one parser per thread.
 */
final class RecordParser {
    /** Size of a record header. */
    static final int HEADER = 27;

    /** Receives what the parser finds, in file order. */
    interface Sink {
        /**
         * A valid record: its payload is {@code buf[pos, pos + len)}, whole TS packets, valid only during the call
         * (the sink must not modify or keep the array).
         */
        void record(long offset, long utcNs, long pcr27Mhz, byte[] buf, int pos, int len) throws IOException;

        /** Bytes [offset, offset + length) of the segment were skipped for {@code reason}. */
        void skipped(long offset, long length, String reason) throws IOException;

        /** A valid header with payload size 0 at {@code offset} (27 bytes skipped; no data lost). */
        void empty(long offset) throws IOException;
    }

    private final int maxRecordSize;
    private final int startCode;
    private final SlidingBuffer in;

    /**
     * @param maxRecordSize largest accepted payload in bytes
     * @param startCode     required start code 0..255, or -1 for any
     */
    RecordParser(int maxRecordSize, int startCode) {
        this.maxRecordSize = maxRecordSize;
        this.startCode = startCode;
        this.in = new SlidingBuffer(Math.max(256 << 10, HEADER + Math.min(maxRecordSize, 1 << 20) + 1),
                HEADER + maxRecordSize + 1);
    }

    /**
     * Parses one segment from {@code ch}.
     *
     * @param size     the segment size in bytes, or -1 if unknown (then only end of stream bounds the sizes)
     * @param utcMinNs smallest plausible utc_ns (inclusive)
     * @param utcMaxNs largest plausible utc_ns (inclusive)
     */
    void parse(ReadableByteChannel ch, long size, long utcMinNs, long utcMaxNs, Sink sink) throws IOException {
        SlidingBuffer in = this.in; // a local: the JIT need not reload the field after each call out
        in.reset();
        long skipStart = -1;
        String skipReason = null;
        held = false;
        while (fill(ch, 1)) {
            long off = in.position();
            String bad;
            if (!fill(ch, HEADER)) {
                bad = "truncated record header: " + (in.hi - in.lo) + " bytes at the end of the segment, a header"
                        + " needs " + HEADER;
                if (skipStart < 0) {
                    skipStart = off;
                    skipReason = bad;
                }
                in.lo = in.hi;
                break;
            }
            long payloadSize = i64(in.lo + 19);
            bad = checkHeader(off, size, utcMinNs, utcMaxNs, payloadSize);
            if (bad == null && payloadSize == 0) {
                if (held) {
                    dropHeld(off, skipReason, sink);
                } else if (skipStart >= 0) {
                    sink.skipped(skipStart, off - skipStart, skipReason);
                }
                skipStart = -1;
                sink.empty(off);
                in.lo += HEADER;
                continue;
            }
            int n = (int) payloadSize;
            if (bad == null) {
                if (!fill(ch, HEADER + n)) {
                    bad = "truncated record: payload size " + n + " but only " + (in.hi - in.lo - HEADER)
                            + " bytes left in the segment";
                } else {
                    bad = checkSync(in.lo + HEADER, n);
                }
            }
            if (bad == null) {
                if (held) {
                    dropHeld(off, skipReason, sink);
                } else if (skipStart >= 0) {
                    sink.skipped(skipStart, off - skipStart, skipReason);
                }
                skipStart = -1;
                // Look at what follows: a record whose sync bytes line up can still hold inserted or lost bytes;
                // then what follows it is displaced payload, not a header. Hold such a record until the rest of
                // the segment shows whether a valid record follows (drop it) or only trailing garbage (keep it).
                String after = null;
                if (fill(ch, HEADER + n + HEADER)) {
                    int save = in.lo;
                    in.lo += HEADER + n;
                    after = checkHeader(in.position(), size, utcMinNs, utcMaxNs, i64(in.lo + 19));
                    if (after != null && looksLikeHeader(utcMinNs, utcMaxNs)) {
                        after = null; // a damaged header of the next record, not displaced payload
                    }
                    in.lo = save;
                }
                long utc = i64(in.lo + 3);
                long pcr = i64(in.lo + 11);
                int pos = in.lo + HEADER;
                in.lo += HEADER + n;
                if (after != null) {
                    hold(off, utc, pcr, pos, n);
                    heldPacketsAfter = packetsFollow(ch);
                    skipStart = in.position();
                    skipReason = after;
                    continue;
                }
                sink.record(off, utc, pcr, in.a, pos, n);
                continue;
            }
            if (skipStart < 0) {
                skipStart = off;
                skipReason = bad;
            }
            in.lo++;
            scanToCandidate(ch);
        }
        if (held) {
            held = false;
            if (heldPacketsAfter) {
                // TS packets follow it: they are displaced data of damaged records, so it cannot be trusted
                long heldEnd = heldOffset + HEADER + heldLength;
                sink.skipped(heldOffset, heldEnd - heldOffset, "record at " + heldOffset + " is followed by TS"
                        + " packets without a valid record header: bytes were inserted into or lost from it, so its"
                        + " payload cannot be trusted");
            } else {
                // only garbage follows it to the end (appended junk): keep it
                sink.record(heldOffset, heldUtc, heldPcr, heldPayload, 0, heldLength);
            }
        }
        if (skipStart >= 0) {
            sink.skipped(skipStart, in.base + in.hi - skipStart, skipReason);
        }
    }

    private boolean held;
    private boolean heldPacketsAfter;
    private byte[] heldPayload = new byte[0];
    private int heldLength;
    private long heldOffset;
    private long heldUtc;
    private long heldPcr;

    private void hold(long off, long utc, long pcr, int pos, int n) {
        if (heldPayload.length < n) {
            heldPayload = new byte[n];
        }
        System.arraycopy(in.a, pos, heldPayload, 0, n);
        heldLength = n;
        heldOffset = off;
        heldUtc = utc;
        heldPcr = pcr;
        held = true;
    }

    private void dropHeld(long nextValid, String skipReason, Sink sink) throws IOException {
        held = false;
        long heldEnd = heldOffset + HEADER + heldLength;
        sink.skipped(heldOffset, nextValid - heldOffset, "record at " + heldOffset + " is followed by "
                + (nextValid - heldEnd) + " bytes that are not a record (" + skipReason + ") before the next valid"
                + " record: bytes were inserted into or lost from it, so its payload cannot be trusted");
    }

    /**
     * Whether TS packets (0x47 at 188-byte steps, three in a row or up to the end) start within 400 bytes of
     * {@code in.lo}: the signature of displaced record data rather than appended garbage.
     */
    private boolean packetsFollow(ReadableByteChannel ch) throws IOException {
        fill(ch, 400 + 3 * 188);
        int end = in.hi;
        for (int i = in.lo; i < Math.min(end, in.lo + 400); i++) {
            if (in.a[i] != 0x47 || i + 188 > end) {
                continue;
            }
            if (i + 188 == end && in.eof) {
                return true; // one whole packet up to the end of the segment
            }
            if (i + 188 < end && in.a[i + 188] == 0x47 && (i + 376 >= end || in.a[i + 376] == 0x47)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the bytes at {@code in.lo} look like a (damaged) record header: header length 27 or a plausible utc. */
    private boolean looksLikeHeader(long utcMin, long utcMax) {
        boolean length27 = in.a[in.lo + 1] == HEADER && in.a[in.lo + 2] == 0;
        long utc = i64(in.lo + 3);
        return length27 || (utc >= utcMin && utc <= utcMax);
    }

    private String checkHeader(long off, long size, long utcMin, long utcMax, long payloadSize) {
        int code = in.a[in.lo] & 0xFF;
        int headerLength = (in.a[in.lo + 1] & 0xFF) | (in.a[in.lo + 2] & 0xFF) << 8;
        if (headerLength != HEADER) {
            return "header length " + headerLength + " where writers put 27: not a record header";
        }
        if (startCode >= 0 && code != startCode) {
            return String.format("start code 0x%02X, expected 0x%02X", code, startCode);
        }
        long utc = i64(in.lo + 3);
        if (utc < utcMin || utc > utcMax) {
            return "utc_ns " + utc + " (" + describeNs(utc) + ") is outside the segment's plausible window "
                    + describeNs(utcMin) + " .. " + describeNs(utcMax);
        }
        if (payloadSize < 0 || payloadSize > maxRecordSize) {
            return "payload size " + Long.toUnsignedString(payloadSize) + " exceeds the limit " + maxRecordSize
                    + " (raise EsFetchOptions.maxRecordSize / --max-record-size if records really are that big)";
        }
        if (payloadSize % 188 != 0) {
            return "payload size " + payloadSize + " is not a multiple of 188 (whole TS packets)";
        }
        if (size >= 0 && payloadSize > size - off - HEADER) {
            return "truncated record: payload size " + payloadSize + " but only " + Math.max(0, size - off - HEADER)
                    + " bytes left in the segment";
        }
        return null;
    }

    private String checkSync(int p, int n) {
        byte[] a = in.a;
        for (int k = 0; k < n; k += 188) {
            if (a[p + k] != 0x47) {
                return String.format("TS packet %d of the payload starts with 0x%02X instead of the sync byte 0x47",
                        k / 188, a[p + k] & 0xFF);
            }
        }
        return null;
    }

    private static String describeNs(long ns) {
        try {
            return Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L))
                    .toString();
        } catch (RuntimeException e) {
            return Long.toString(ns);
        }
    }

    /** Moves {@code in.lo} to the next position that could start a header (header length bytes 27, 0). */
    private void scanToCandidate(ReadableByteChannel ch) throws IOException {
        while (true) {
            byte[] a = in.a;
            int end = in.hi - 2;
            int i = in.lo;
            if (startCode >= 0) {
                byte sc = (byte) startCode;
                while (i < end && !(a[i] == sc && a[i + 1] == HEADER && a[i + 2] == 0)) {
                    i++;
                }
            } else {
                while (i < end && !(a[i + 1] == HEADER && a[i + 2] == 0)) {
                    i++;
                }
            }
            in.lo = i;
            if (i < end) {
                return;
            }
            if (!fill(ch, in.hi - in.lo + 1)) {
                return;
            }
        }
    }

    private long i64(int p) {
        byte[] a = in.a;
        return (long) (a[p] & 0xFF) | (long) (a[p + 1] & 0xFF) << 8 | (long) (a[p + 2] & 0xFF) << 16
                | (long) (a[p + 3] & 0xFF) << 24 | (long) (a[p + 4] & 0xFF) << 32 | (long) (a[p + 5] & 0xFF) << 40
                | (long) (a[p + 6] & 0xFF) << 48 | (long) (a[p + 7] & 0xFF) << 56;
    }

    private boolean fill(ReadableByteChannel ch, int n) throws IOException {
        return in.fill(ch, n);
    }
}
