package io.stowage.es;

import java.util.List;

/**
 * What {@link TsChecker} found in a transport stream. Serialises to the {@code --json} document of
 * {@code stowage ts check} (snake_case).
 *
 * <pre>{@code
 * TsCheckReport r = TsChecker.create().check(Path.of("clip.ts"));
 * if (!r.ok()) r.errors().forEach(System.err::println);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param file             the file checked ({@code "-"} for a stream)
 * @param bytes            bytes read
 * @param packets          188-byte packets found in sync
 * @param syncLosses       times the 0x47 sync byte was not where expected (each followed by a resync)
 * @param bytesSkipped     bytes outside packets: garbage skipped while resyncing and a partial packet at the end
 * @param ccErrors         continuity errors (ISO 13818-1: null PID excluded, discontinuity_indicator honoured, one
 *                         duplicate allowed); ffmpeg's "Continuity check failed" count is {@code ccErrors + duplicates}
 * @param duplicates       duplicate packets (same counter, once), allowed by ISO 13818-1 but counted by ffmpeg
 * @param discontinuities  packets with discontinuity_indicator set
 * @param teiPackets       packets with transport_error_indicator set
 * @param crcErrors        PAT/PMT sections whose CRC-32 is wrong
 * @param patCount         PAT sections
 * @param patMaxIntervalS  largest time between PATs (PCR clock), or -1 if fewer than two or no PCR
 * @param pmtMaxIntervalS  largest time between PMTs of any program, or -1
 * @param pcrMaxIntervalS  largest PCR interval of any PCR PID, or -1 (discontinuities excluded)
 * @param pids             per PID: counts, stream types, continuity and PCR figures
 * @param errors           the first problems found (offset, PID, message)
 * @param warnings         limits exceeded that do not make the stream invalid (PAT/PMT over 0.5 s, PCR over
 *                         100 ms)
 */
public record TsCheckReport(
        String file,
        long bytes,
        long packets,
        long syncLosses,
        long bytesSkipped,
        long ccErrors,
        long duplicates,
        long discontinuities,
        long teiPackets,
        long crcErrors,
        long patCount,
        double patMaxIntervalS,
        double pmtMaxIntervalS,
        double pcrMaxIntervalS,
        List<TsPidReport> pids,
        List<String> errors,
        List<String> warnings) {

    public TsCheckReport {
        pids = List.copyOf(pids);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    /** True if the stream has packets, a PAT, and no sync loss, continuity, CRC or transport errors. */
    public boolean ok() {
        return packets > 0 && patCount > 0 && syncLosses == 0 && bytesSkipped == 0 && ccErrors == 0
                && teiPackets == 0 && crcErrors == 0;
    }

    /**
     * One PID of the stream.
     *
     * @param pid             the PID
     * @param role            {@code pat}, {@code pmt}, {@code pes}, {@code sdt}, {@code null} or {@code other}
     * @param streamType      PMT stream_type, or -1
     * @param streamTypeName  e.g. {@code h264}, {@code aac}, or null
     * @param packets         packets of this PID
     * @param ccErrors        continuity errors on this PID
     * @param duplicates      duplicate packets on this PID
     * @param pcrCount        PCRs carried
     * @param pcrMaxIntervalS largest PCR interval, or -1
     */
    public record TsPidReport(int pid, String role, int streamType, String streamTypeName, long packets,
            long ccErrors, long duplicates, long pcrCount, double pcrMaxIntervalS) {
    }
}
