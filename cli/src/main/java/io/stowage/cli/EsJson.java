package io.stowage.cli;

import io.stowage.es.EsCorruption;
import io.stowage.es.EsFailure;
import io.stowage.es.EsFetchReport;
import io.stowage.es.EsGap;
import io.stowage.es.TsCheckReport;

import java.time.Instant;
import java.util.List;

/**
 * The JSON documents of {@code stowage es fetch} and {@code stowage ts check}, as records that {@link Output} writes
 * (snake_case field names, in declaration order).
 *
 * <p>{@code Output.printJson(out, EsJson.Fetch.of(report));}
 *
 * <p>Immutable records, so thread-safe.
 */
final class EsJson {
    private EsJson() {
    }

    /** {@code stowage es fetch --json}. */
    record Fetch(String source, String output, String from, String to, String actualStart, String actualEnd,
                 boolean complete, int segmentsExpected, int segmentsFetched, int segmentsResumed,
                 List<String> missing, List<Failed> failed, List<Corrupt> corrupt, List<Gap> gaps, long records,
                 long recordsTrimmed, long discontinuitiesMarked, long bytesWritten, double durationS,
                 long missingCount, long failedCount, long corruptCount) {
        static Fetch of(EsFetchReport r) {
            return new Fetch(r.source(), r.output(), r.from().toString(), r.to().toString(), text(r.actualStart()),
                    text(r.actualEnd()), r.complete(), r.segmentsExpected(), r.segmentsFetched(),
                    r.segmentsResumed(), r.missing(), r.failed().stream().map(Failed::of).toList(),
                    r.corrupt().stream().map(Corrupt::of).toList(), r.gaps().stream().map(Gap::of).toList(),
                    r.records(), r.recordsTrimmed(), r.discontinuitiesMarked(), r.bytesWritten(),
                    Math.round(r.durationS() * 1000) / 1000.0, r.missingCount(), r.failedCount(),
                    r.corruptCount());
        }
    }

    /** A segment that could not be fetched. */
    record Failed(String key, String reason, int attempts) {
        static Failed of(EsFailure x) {
            return new Failed(x.key(), x.reason(), x.attempts());
        }
    }

    /** Corrupt bytes skipped in a segment. */
    record Corrupt(String key, long offset, long length, String reason) {
        static Corrupt of(EsCorruption c) {
            return new Corrupt(c.key(), c.offset(), c.length(), c.reason());
        }
    }

    /** A stretch of the range without data. */
    record Gap(String from, String to, String reason) {
        static Gap of(EsGap g) {
            return new Gap(g.from().toString(), g.to().toString(), g.reason());
        }
    }

    /** {@code stowage ts check --json}. */
    record TsCheck(String file, boolean ok, long bytes, long packets, long syncLosses, long bytesSkipped,
                   long ccErrors, long duplicates, long discontinuities, long teiPackets, long crcErrors,
                   long patCount, double patMaxIntervalS, double pmtMaxIntervalS, double pcrMaxIntervalS,
                   List<Pid> pids, List<String> errors, List<String> warnings) {
        static TsCheck of(TsCheckReport r) {
            return new TsCheck(r.file(), r.ok(), r.bytes(), r.packets(), r.syncLosses(), r.bytesSkipped(),
                    r.ccErrors(), r.duplicates(), r.discontinuities(), r.teiPackets(), r.crcErrors(), r.patCount(),
                    r.patMaxIntervalS(), r.pmtMaxIntervalS(), r.pcrMaxIntervalS(),
                    r.pids().stream().map(Pid::of).toList(), r.errors(), r.warnings());
        }
    }

    /** One PID of a checked stream. */
    record Pid(int pid, String role, Integer streamType, String streamTypeName, long packets, long ccErrors,
               long duplicates, long pcrCount, double pcrMaxIntervalS) {
        static Pid of(TsCheckReport.TsPidReport p) {
            return new Pid(p.pid(), p.role(), p.streamType() < 0 ? null : p.streamType(), p.streamTypeName(),
                    p.packets(), p.ccErrors(), p.duplicates(), p.pcrCount(), p.pcrMaxIntervalS());
        }
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
