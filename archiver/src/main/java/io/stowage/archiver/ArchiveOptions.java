package io.stowage.archiver;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.regex.Pattern;

/**
 * What an archive run does. Immutable and validated; {@code withX} methods return changed copies. Paths left
 * {@code null} take their defaults inside the input folder.
 *
 * <pre>{@code
 * ArchiveOptions o = ArchiveOptions.defaults().withZone(ZoneId.of("Europe/Berlin"))
 *         .withCleanup(true).withAge(Duration.ofDays(30)).withMaxSize(500L << 30);
 * }</pre>
 *
 * @param output archived outputs go to {@code output/YYYY/MM/DD/}; {@code null}: {@code {input}/archived}
 * @param trash removed sources go here under their relative path; {@code null}: {@code {input}/.deleted}
 * @param lockFile stops two archivers on one input; {@code null}: {@code {input}/.stowage-archiver.lock}
 * @param logFile the log file a caller writes (never taken for a recording, nor its rotations);
 *     {@code null}: {@code {input}/archiver.log}
 * @param pattern a user file-name pattern with named groups {@code year month day hour minute second} and optional
 *     {@code camera}, matched against the whole file name, tried before the built-in forms; {@code null}: none
 * @param zone the zone of the local times in file names
 * @param settle a recording modified within this is still being written and is left alone this run
 * @param olderThan only recordings at least this old (by the time in their name) are archived; zero: all
 * @param preset the transcode preset
 * @param skipArchived a recording whose verified output exists is not transcoded again (its source is trashed)
 * @param workers clips transcoded at once; 0: what the transcoder's configuration allows
 * @param delete remove sources for good instead of moving them to the trash
 * @param cleanup empty the trash (and with {@code cleanOutput} remove outputs) by {@code age} and {@code maxSize}
 * @param age with {@code cleanup}: remove what is older than this (by the time in its name); {@code null}: no age
 * @param maxSize with {@code cleanup}: input + output + trash bytes to stay under, oldest removed first; -1: no cap
 * @param cleanOutput with {@code cleanup}: archived outputs may be removed too
 *
 * <p>Immutable, so thread-safe.
 */
public record ArchiveOptions(Path output, Path trash, Path lockFile, Path logFile, Pattern pattern, ZoneId zone,
        Duration settle, Duration olderThan, String preset, boolean skipArchived, int workers, boolean delete,
        boolean cleanup, Duration age, long maxSize, boolean cleanOutput) {

    /** The named groups a user pattern needs. */
    static final java.util.List<String> GROUPS = java.util.List.of("year", "month", "day", "hour", "minute", "second");

    public ArchiveOptions {
        java.util.Objects.requireNonNull(zone, "zone");
        java.util.Objects.requireNonNull(preset, "preset");
        nonNegative("settle", settle);
        nonNegative("older-than", olderThan);
        if (age != null) {
            nonNegative("age", age);
        }
        if (workers < 0 || workers > 256) {
            throw new ArchiveInvalidOptionException("workers", Integer.toString(workers),
                    "out of range 0..256; 0 takes what the encoders allow, about one per 2 CPU cores suits libx265");
        }
        if (maxSize < -1) {
            throw new ArchiveInvalidOptionException("max-size", Long.toString(maxSize),
                    "is negative; give a size such as 500G, or leave it out for no cap");
        }
        if (pattern != null) {
            for (String g : GROUPS) {
                if (!pattern.pattern().contains("(?<" + g + ">")) {
                    throw new ArchiveInvalidOptionException("pattern", pattern.pattern(), "has no named group '"
                            + g + "'; it needs (?<year>..) (?<month>..) (?<day>..) (?<hour>..) (?<minute>..)"
                            + " (?<second>..) and may have (?<camera>..)");
                }
            }
        }
    }

    private static void nonNegative(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new ArchiveInvalidOptionException(name, String.valueOf(d), "must be zero or a positive duration");
        }
    }

    /**
     * Defaults: folders inside the input, no user pattern, the system zone, settle 2 minutes, every settled recording
     * due, preset {@code camera-archive}, skip archived, workers from the transcoder, sources to the trash, no cleanup.
     */
    public static ArchiveOptions defaults() {
        return new ArchiveOptions(null, null, null, null, null, ZoneId.systemDefault(), Duration.ofMinutes(2),
                Duration.ZERO, "camera-archive", true, 0, false, false, null, -1, false);
    }

    /** Parses a user pattern ({@code --pattern}); the message names a missing group or the syntax error. */
    public static Pattern pattern(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new ArchiveInvalidOptionException("pattern", regex, "is not a regular expression: "
                    + e.getDescription() + " near index " + e.getIndex());
        }
    }

    public ArchiveOptions withOutput(Path p) {
        return new ArchiveOptions(p, trash, lockFile, logFile, pattern, zone, settle, olderThan, preset, skipArchived,
                workers, delete, cleanup, age, maxSize, cleanOutput);
    }

    public ArchiveOptions withTrash(Path p) {
        return new ArchiveOptions(output, p, lockFile, logFile, pattern, zone, settle, olderThan, preset,
                skipArchived, workers, delete, cleanup, age, maxSize, cleanOutput);
    }

    public ArchiveOptions withLockFile(Path p) {
        return new ArchiveOptions(output, trash, p, logFile, pattern, zone, settle, olderThan, preset, skipArchived,
                workers, delete, cleanup, age, maxSize, cleanOutput);
    }

    public ArchiveOptions withLogFile(Path p) {
        return new ArchiveOptions(output, trash, lockFile, p, pattern, zone, settle, olderThan, preset, skipArchived,
                workers, delete, cleanup, age, maxSize, cleanOutput);
    }

    public ArchiveOptions withPattern(Pattern p) {
        return new ArchiveOptions(output, trash, lockFile, logFile, p, zone, settle, olderThan, preset, skipArchived,
                workers, delete, cleanup, age, maxSize, cleanOutput);
    }

    public ArchiveOptions withZone(ZoneId z) {
        return new ArchiveOptions(output, trash, lockFile, logFile, pattern, z, settle, olderThan, preset,
                skipArchived, workers, delete, cleanup, age, maxSize, cleanOutput);
    }

    public ArchiveOptions withSettle(Duration d) {
        return new ArchiveOptions(output, trash, lockFile, logFile, pattern, zone, d, olderThan, preset, skipArchived,
                workers, delete, cleanup, age, maxSize, cleanOutput);
    }

    public ArchiveOptions withOlderThan(Duration d) {
        return new ArchiveOptions(output, trash, lockFile, logFile, pattern, zone, settle, d, preset, skipArchived,
                workers, delete, cleanup, age, maxSize, cleanOutput);
    }

    public ArchiveOptions withPreset(String name) {
        return new ArchiveOptions(output, trash, lockFile, logFile, pattern, zone, settle, olderThan, name,
                skipArchived, workers, delete, cleanup, age, maxSize, cleanOutput);
    }

    public ArchiveOptions withSkipArchived(boolean skip) {
        return new ArchiveOptions(output, trash, lockFile, logFile, pattern, zone, settle, olderThan, preset, skip,
                workers, delete, cleanup, age, maxSize, cleanOutput);
    }

    public ArchiveOptions withWorkers(int n) {
        return new ArchiveOptions(output, trash, lockFile, logFile, pattern, zone, settle, olderThan, preset,
                skipArchived, n, delete, cleanup, age, maxSize, cleanOutput);
    }

    public ArchiveOptions withDelete(boolean d) {
        return new ArchiveOptions(output, trash, lockFile, logFile, pattern, zone, settle, olderThan, preset,
                skipArchived, workers, d, cleanup, age, maxSize, cleanOutput);
    }

    public ArchiveOptions withCleanup(boolean c) {
        return new ArchiveOptions(output, trash, lockFile, logFile, pattern, zone, settle, olderThan, preset,
                skipArchived, workers, delete, c, age, maxSize, cleanOutput);
    }

    public ArchiveOptions withAge(Duration d) {
        return new ArchiveOptions(output, trash, lockFile, logFile, pattern, zone, settle, olderThan, preset,
                skipArchived, workers, delete, cleanup, d, maxSize, cleanOutput);
    }

    public ArchiveOptions withMaxSize(long bytes) {
        return new ArchiveOptions(output, trash, lockFile, logFile, pattern, zone, settle, olderThan, preset,
                skipArchived, workers, delete, cleanup, age, bytes, cleanOutput);
    }

    public ArchiveOptions withCleanOutput(boolean c) {
        return new ArchiveOptions(output, trash, lockFile, logFile, pattern, zone, settle, olderThan, preset,
                skipArchived, workers, delete, cleanup, age, maxSize, c);
    }
}
