package io.stowage.archiver;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;
import java.util.List;

/**
 * The result of {@link CameraArchiver#execute(ArchivePlan)}. Serialises to the CLI's JSON report (snake case).
 *
 * <p>{@code ArchiveReport r = archiver.execute(plan); if (r.status() != ArchiveStatus.COMPLETE) ...}
 *
 * @param status how the run ended
 * @param transcoded clips transcoded and verified
 * @param trashed files moved to the trash
 * @param deleted files deleted (sources with {@code delete}, cleanup)
 * @param skipped files left alone (settling, archived, not due, unrecognised, changed since planned)
 * @param failed actions that failed (their files untouched)
 * @param bytesIn bytes of the sources transcoded
 * @param bytesOut bytes of their outputs
 * @param bytesFreed bytes deleted
 * @param foldersRemoved empty day, month and year folders removed
 * @param totalBytes input + output + trash bytes at the end
 * @param maxSize the cap, or -1
 * @param capMet whether {@code totalBytes <= maxSize} (true without a cap)
 * @param interrupted whether the run was stopped before its end
 * @param elapsed wall time
 * @param failures every failed action with its reason
 *
 * <p>Immutable, so thread-safe.
 */
public record ArchiveReport(ArchiveStatus status, long transcoded, long trashed, long deleted, long skipped,
        long failed, long bytesIn, long bytesOut, long bytesFreed, long foldersRemoved, long totalBytes, long maxSize,
        boolean capMet, boolean interrupted, @JsonIgnore Duration elapsed, List<ArchiveFailure> failures) {

    public ArchiveReport {
        failures = List.copyOf(failures);
    }

    /** Wall time in seconds (the JSON field {@code elapsed_s}). */
    @JsonProperty("elapsed_s")
    public double elapsedS() {
        return Math.round(elapsed.toNanos() / 1e6) / 1e3;
    }
}
