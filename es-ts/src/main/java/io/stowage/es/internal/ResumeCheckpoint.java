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
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
 * @param missingCount   how many keys were missing (the list holds the first ones); absent in older files
 * @param failedCount    how many keys failed; absent in older files
 * @param corruptCount   how many corrupt ranges were found; absent in older files
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
        List<Gap> gaps,
        Long missingCount,
        Long failedCount,
        Long corruptCount) {

    static final int VERSION = 1;
    /** Largest state file read: a checkpoint keeps bounded lists, so anything bigger was not written by a fetch. */
    static final long MAX_STATE_BYTES = 64L << 20;
    private static final String RERUN = "; re-run the fetch without --resume to start again (OUT.part is replaced)";

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
        suspect = suspect == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(suspect));
        missing = missing == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(missing));
        failed = failed == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(failed));
        corrupt = corrupt == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(corrupt));
        gaps = gaps == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(gaps));
        missingCount = missingCount == null ? Long.valueOf(missing.size()) : missingCount;
        failedCount = failedCount == null ? Long.valueOf(failed.size()) : failedCount;
        corruptCount = corruptCount == null ? Long.valueOf(corrupt.size()) : corruptCount;
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
                sus.reason(), tally.missing, failed, corrupt, gaps, tally.missingCount, tally.failedCount,
                tally.corruptCount);
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
        List<EsFailure> f = new ArrayList<>();
        for (Failure x : failed) {
            f.add(new EsFailure(x.key(), x.reason(), x.attempts()));
        }
        List<EsCorruption> c = new ArrayList<>();
        for (Corruption x : corrupt) {
            c.add(new EsCorruption(x.key(), x.offset(), x.length(), x.reason()));
        }
        int keep = tally.maxReported;
        tally.restore(missing.subList(0, Math.min(keep, missing.size())), f.subList(0, Math.min(keep, f.size())),
                c.subList(0, Math.min(keep, c.size())), missingCount, failedCount, corruptCount, segmentsFetched);
    }

    /**
     * Checks every field against the plan and the part file (which holds {@code partSize} bytes), so that a tampered
     * or foreign checkpoint is refused before anything is written.
     *
     * @throws EsResumeException naming the first field that cannot be right
     */
    void validate(Path state, FetchPlan plan, long partSize) {
        String bad = problem(plan, partSize);
        if (bad != null) {
            throw new EsResumeException(state, "the resume state does not match the plan or the partial output: "
                    + bad + RERUN);
        }
    }

    /** Whether {@code list} holds null (an immutable {@code List.of()} throws on {@code contains(null)}). */
    private static boolean hasNull(List<?> list) {
        for (Object x : list) {
            if (x == null) {
                return true;
            }
        }
        return false;
    }

    private String problem(FetchPlan plan, long partSize) {
        if (nextIndex < 0 || nextIndex > plan.size()) {
            return "next_index " + nextIndex + " is outside 0.." + plan.size() + " (the plan has " + plan.size()
                    + " segments)";
        }
        if (bytes < 0 || bytes > partSize) {
            return "bytes " + bytes + " is outside 0.." + partSize + " (the size of the partial output)";
        }
        if (bytes % 188 != 0) {
            return "bytes " + bytes + " is not a whole number of 188-byte TS packets";
        }
        if (crc32 < 0 || crc32 > 0xFFFF_FFFFL) {
            return "crc32 " + crc32 + " is not a CRC-32";
        }
        long packets = bytes / 188;
        if (records < 0 || recordsTrimmed < 0 || discontinuities < 0) {
            return "records " + records + ", records_trimmed " + recordsTrimmed + " and discontinuities "
                    + discontinuities + " must not be negative";
        }
        if (records > packets || discontinuities > packets - records) {
            return "records " + records + " and discontinuities " + discontinuities + " do not fit in " + packets
                    + " packets";
        }
        if (records > 0 && (firstUtcNs == Long.MIN_VALUE || lastUtcNs == Long.MIN_VALUE)) {
            return "first_utc_ns and last_utc_ns are unset although " + records + " records were written";
        }
        if (segmentsFetched < 0 || segmentsFetched > nextIndex) {
            return "segments_fetched " + segmentsFetched + " is outside 0..next_index " + nextIndex;
        }
        if (!suspect.isEmpty()) {
            if (suspect.size() != 4 || hasNull(suspect)) {
                return "suspect must hold 4 numbers, not " + suspect;
            }
            if ((suspect.get(2) != 0 && suspect.get(2) != 1) || (suspect.get(3) != 0 && suspect.get(3) != 1)) {
                return "suspect flags must be 0 or 1, not " + suspect;
            }
        }
        if (hasNull(missing) || hasNull(failed) || hasNull(corrupt) || hasNull(gaps)) {
            return "a list holds null";
        }
        if (missingCount < missing.size() || failedCount < failed.size() || corruptCount < corrupt.size()) {
            return "missing_count, failed_count or corrupt_count is below the length of its list";
        }
        if (missingCount + failedCount > nextIndex) {
            return missingCount + " missing and " + failedCount + " failed segments do not fit before next_index "
                    + nextIndex;
        }
        for (Failure f : failed) {
            if (f.key() == null || f.reason() == null || f.attempts() < 0) {
                return "failed entry " + f + " is incomplete";
            }
        }
        for (Corruption c : corrupt) {
            if (c.key() == null || c.reason() == null || c.offset() < 0 || c.length() < 0) {
                return "corrupt entry " + c + " is incomplete or negative";
            }
        }
        for (Gap g : gaps) {
            if (g.from() == null || g.to() == null || g.reason() == null) {
                return "gap " + g + " is incomplete";
            }
            try {
                if (Instant.parse(g.from()).isAfter(Instant.parse(g.to()))) {
                    return "gap " + g + " ends before it starts";
                }
            } catch (DateTimeException e) {
                return "gap " + g + " does not hold ISO-8601 instants";
            }
        }
        return null;
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
            if (!Files.isRegularFile(state)) {
                throw new IOException("not a regular file");
            }
            long size = Files.size(state);
            if (size > MAX_STATE_BYTES) {
                throw new IOException(size + " bytes, more than a checkpoint holds (" + MAX_STATE_BYTES + ")");
            }
            cp = parse(Files.readString(state, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException | StackOverflowError e) {
            throw new EsResumeException(state, "unreadable resume state (" + e.getMessage()
                    + "); delete it and the .part file, or fetch with --force" + RERUN);
        }
        if (cp.version() != VERSION) {
            throw new EsResumeException(state, "state version " + cp.version() + " is not " + VERSION + RERUN);
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
        ResumeCheckpoint cp = MAPPER.readValue(json, ResumeCheckpoint.class);
        if (cp == null) {
            throw new IOException("the document is null");
        }
        return cp;
    }
}
