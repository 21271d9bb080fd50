package io.stowage.es.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.stowage.es.EsCorruption;
import io.stowage.es.EsFailure;
import io.stowage.es.EsGap;
import io.stowage.es.EsResumeException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The resume state of a fetch to a file ({@code OUT.part.json}): which fetch it belongs to, how far it got (the next
 * plan index, the bytes of {@code OUT.part} and their CRC-32), and everything the report and the stitcher need to
 * continue as if never interrupted. Read and written with Jackson in snake_case; files written before this record
 * existed (the same keys, by a hand-written writer) read the same way.
 *
 * <pre>{@code
 * ResumeCheckpoint cp = ResumeCheckpoint.read(state);      // EsResumeException if unreadable or of another version
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param version        {@value #VERSION}
 * @param source         the store's location (for messages)
 * @param from           the requested start, ISO-8601
 * @param to             the requested end, ISO-8601
 * @param trim           whether the fetch trims
 * @param planSha256     {@link FetchPlan#sha256()} of the fetch
 * @param nextIndex      plan index of the first segment not in {@code OUT.part}
 * @param bytes          verified length of {@code OUT.part}
 * @param crc32          CRC-32 of those bytes
 * @param records        records written
 * @param recordsTrimmed records dropped by trim
 * @param discontinuities discontinuity markers written
 * @param firstUtcNs     utc_ns of the first record written, or {@link Long#MIN_VALUE}
 * @param lastUtcNs      utc_ns of the last record written, or {@link Long#MIN_VALUE}
 * @param segmentsFetched segments read so far
 * @param suspect        the open suspected gap: from, to (utc_ns or {@link Long#MIN_VALUE}), confirmed and
 *                       suppressed (1 or 0)
 * @param suspectReason  its reason, or null
 * @param missing        missing keys so far
 * @param failed         failed keys so far
 * @param corrupt        corrupt ranges so far
 * @param gaps           gaps so far
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ResumeCheckpoint(
        @JsonProperty(required = true) int version,
        String source,
        String from,
        String to,
        boolean trim,
        @JsonProperty(required = true) String planSha256,
        @JsonProperty(required = true) int nextIndex,
        @JsonProperty(required = true) long bytes,
        @JsonProperty(required = true) long crc32,
        @JsonProperty(required = true) long records,
        @JsonProperty(required = true) long recordsTrimmed,
        @JsonProperty(required = true) long discontinuities,
        @JsonProperty(required = true) long firstUtcNs,
        @JsonProperty(required = true) long lastUtcNs,
        @JsonProperty(required = true) int segmentsFetched,
        List<Long> suspect,
        String suspectReason,
        List<String> missing,
        List<Failure> failed,
        List<Corruption> corrupt,
        List<Gap> gaps) {

    static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    /** A key that failed, as {@link EsFailure}. */
    record Failure(String key, String reason, int attempts) {
    }

    /** A skipped range, as {@link EsCorruption}. */
    record Corruption(String key, long offset, long length, String reason) {
    }

    /** A gap, as {@link EsGap} with ISO-8601 times. */
    record Gap(String from, String to, String reason) {
    }

    ResumeCheckpoint {
        suspect = suspect == null ? List.of() : suspect;
        missing = missing == null ? List.of() : List.copyOf(missing);
        failed = failed == null ? List.of() : List.copyOf(failed);
        corrupt = corrupt == null ? List.of() : List.copyOf(corrupt);
        gaps = gaps == null ? List.of() : List.copyOf(gaps);
    }

    /** The checkpoint of a fetch that wrote {@code bytes} bytes (CRC-32 {@code crc32}) of plan items before next. */
    static ResumeCheckpoint of(String source, Instant from, Instant to, boolean trim, FetchPlan plan, int nextIndex,
            long bytes, long crc32, FetchTally tally, Stitcher.Snapshot s) {
        GapLog.Suspect sus = s.suspect();
        List<Failure> failed = new ArrayList<>();
        for (EsFailure f : tally.failed) {
            failed.add(new Failure(f.key(), f.reason(), f.attempts()));
        }
        List<Corruption> corrupt = new ArrayList<>();
        for (EsCorruption c : tally.corrupt) {
            corrupt.add(new Corruption(c.key(), c.offset(), c.length(), c.reason()));
        }
        List<Gap> gaps = new ArrayList<>();
        for (EsGap g : s.gaps()) {
            gaps.add(new Gap(g.from().toString(), g.to().toString(), g.reason()));
        }
        return new ResumeCheckpoint(VERSION, source, from.toString(), to.toString(), trim, plan.sha256(), nextIndex,
                bytes, crc32, s.records(), s.recordsTrimmed(), s.discontinuities(), s.firstUtc(), s.lastUtc(),
                tally.segmentsFetched,
                List.of(sus.from(), sus.to(), sus.confirmed() ? 1L : 0L, sus.suppressed() ? 1L : 0L),
                sus.reason(), tally.missing, failed, corrupt, gaps);
    }

    /** The stitcher state to continue from (after replaying the bytes). */
    Stitcher.Snapshot snapshot() {
        List<EsGap> g = new ArrayList<>();
        for (Gap x : gaps) {
            g.add(new EsGap(Instant.parse(x.from()), Instant.parse(x.to()), x.reason()));
        }
        GapLog.Suspect sus = suspect.size() < 4 ? GapLog.Suspect.NOTHING
                : new GapLog.Suspect(suspect.get(0), suspect.get(1), suspect.get(2) != 0, suspect.get(3) != 0,
                        suspectReason);
        return new Stitcher.Snapshot(records, recordsTrimmed, discontinuities, firstUtcNs, lastUtcNs, g, sus);
    }

    /** Puts the lists of the checkpoint into {@code tally}. */
    void restore(FetchTally tally) {
        tally.missing.addAll(missing);
        for (Failure f : failed) {
            tally.failed.add(new EsFailure(f.key(), f.reason(), f.attempts()));
        }
        for (Corruption c : corrupt) {
            tally.corrupt.add(new EsCorruption(c.key(), c.offset(), c.length(), c.reason()));
        }
        tally.segmentsFetched = segmentsFetched;
    }

    /** The JSON document (pretty-printed, one trailing newline). */
    String toJson() {
        try {
            return WRITER.writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the resume checkpoint: " + e.getMessage(), e);
        }
    }

    /** Writes {@code state} atomically (a temporary sibling, then a rename). */
    void write(Path state) throws IOException {
        Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
        Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
        FetchRun.move(tmp, state);
    }

    /**
     * Reads the checkpoint of the fetch whose plan hashes to {@code planSha256}.
     *
     * @throws EsResumeException if the file is unreadable, of another version, or of another fetch
     */
    static ResumeCheckpoint read(Path state, String planSha256) {
        ResumeCheckpoint cp;
        try {
            cp = parse(Files.readString(state, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new EsResumeException(state, "unreadable resume state (" + e.getMessage()
                    + "); delete it and the .part file, or fetch with --force");
        }
        if (cp.version() != VERSION) {
            throw new EsResumeException(state, "state version " + cp.version() + " is not " + VERSION);
        }
        if (!planSha256.equals(cp.planSha256())) {
            throw new EsResumeException(state, "belongs to another fetch (source " + cp.source() + ", "
                    + cp.from() + " .. " + cp.to() + ", trim " + cp.trim()
                    + "); repeat that fetch with --resume, or fetch with --force to start again");
        }
        return cp;
    }

    /** Parses a document; an {@link IOException} (a Jackson one) names what was wrong. */
    static ResumeCheckpoint parse(String json) throws IOException {
        return MAPPER.readValue(json, ResumeCheckpoint.class);
    }
}
