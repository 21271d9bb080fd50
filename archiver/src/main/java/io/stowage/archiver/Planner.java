package io.stowage.archiver;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns one day's files (from the three trees) into that day's actions. Carries the projected total for the size
 * cap from day to day, so one planner serves one iteration of the plan, oldest day first. Not thread-safe.
 */
final class Planner {
    /** How the reason of a size-cap deletion starts (the executor skips those once the cap is met). */
    static final String SIZE_CAP = "size cap: ";

    private static final Comparator<DirListing.Entry> OLDEST_FIRST = Comparator
            .comparing((DirListing.Entry e) -> e.parsed().local()).thenComparing(e -> e.path().toString());

    private final Layout layout;
    private final ArchiveOptions options;
    private final String extension;
    private final Instant now;
    private long projected;
    private final String ageReason;

    Planner(Layout layout, ArchiveOptions options, String extension, Instant now, long totalBytes) {
        this.layout = layout;
        this.options = options;
        this.extension = extension;
        this.now = now;
        this.projected = totalBytes;
        this.ageReason = options.age() == null ? null : "older than --age " + options.age().toSeconds() + " s";
    }

    /** The instant of a local time in the options' zone: the earlier offset in the repeated hour, later in a gap. */
    static Instant instant(java.time.LocalDateTime local, java.time.ZoneId zone) {
        return ZonedDateTime.ofLocal(local, zone, null).toInstant();
    }

    /** The archived output of a source stem recorded on {@code day}. */
    Path outputOf(LocalDate day, String stem) {
        return outputDir(day).resolve(stem + "." + extension);
    }

    private Path outputDir(LocalDate day) {
        return layout.output().resolve(String.format(Locale.ROOT, "%04d/%02d/%02d", day.getYear(),
                day.getMonthValue(), day.getDayOfMonth()));
    }

    ArchiveDay day(LocalDate day, List<DirListing.Entry> input, List<DirListing.Entry> output,
            List<DirListing.Entry> trash) {
        List<ArchiveAction> transcodes = new ArrayList<>();
        List<ArchiveAction> removals = new ArrayList<>();
        List<ArchiveAction> skips = new ArrayList<>();
        List<ArchiveAction> cleanup = new ArrayList<>();

        Map<String, DirListing.Entry> outputs = new HashMap<>();
        for (DirListing.Entry e : output) {
            if (e.parsed().kind() == NameParser.Kind.MP4) {
                outputs.put(e.parsed().stem(), e);
            }
        }
        // one recording = the MP4 and JPG files of one stem in one folder
        Map<Path, Map<String, List<DirListing.Entry>>> byDir = new TreeMap<>();
        for (DirListing.Entry e : input) {
            byDir.computeIfAbsent(e.dir(), k -> new TreeMap<>()).computeIfAbsent(e.parsed().stem(),
                    k -> new ArrayList<>(2)).add(e);
        }
        Path outputDir = outputDir(day);
        Set<String> sourceStems = new HashSet<>();
        Set<Path> targets = new HashSet<>();
        for (Map.Entry<Path, Map<String, List<DirListing.Entry>>> dir : byDir.entrySet()) {
            Path trashDir = layout.trash().resolve(layout.input().relativize(dir.getKey()));
            for (List<DirListing.Entry> files : dir.getValue().values()) {
                recording(files, outputs, trashDir, outputDir, sourceStems, targets, transcodes, removals, skips);
            }
        }
        cleanup(output, trash, sourceStems, targets, skips, cleanup);
        List<ArchiveAction> all = new ArrayList<>(transcodes.size() + removals.size() + skips.size()
                + cleanup.size());
        all.addAll(transcodes);
        all.addAll(removals);
        all.addAll(skips);
        all.addAll(cleanup);
        return new ArchiveDay(day, all);
    }

    /** The actions of one recording: its MP4 and JPG files of one stem in one folder. */
    private void recording(List<DirListing.Entry> files, Map<String, DirListing.Entry> outputs, Path trashDir,
            Path outputDir, Set<String> sourceStems, Set<Path> targets, List<ArchiveAction> transcodes,
            List<ArchiveAction> removals, List<ArchiveAction> skips) {
        if (files.size() > 1) {
            files.sort(Comparator.comparing((DirListing.Entry e) -> e.parsed().kind()));
        }
        DirListing.Entry first = files.get(0);
        Instant recorded = instant(first.parsed().local(), options.zone());
        if (first.parsed().kind() != NameParser.Kind.MP4) {
            for (DirListing.Entry jpg : files) {
                skips.add(action(ArchiveActionType.SKIP, jpg, null, "snapshot without a recording (orphan JPG); kept",
                        null, recorded));
            }
            return;
        }
        String stem = first.parsed().stem();
        sourceStems.add(stem);
        Duration sinceModified = Duration.between(latest(files), now);
        if (sinceModified.compareTo(options.settle()) < 0) {
            for (DirListing.Entry f : files) {
                skips.add(action(ArchiveActionType.SKIP, f, null, "modified " + sinceModified.toSeconds()
                        + " s ago, within --settle " + options.settle().toSeconds() + " s: still being written",
                        null, recorded));
            }
            return;
        }
        if (Duration.between(recorded, now).compareTo(options.olderThan()) < 0) {
            for (DirListing.Entry f : files) {
                skips.add(action(ArchiveActionType.SKIP, f, null, "recorded less than --older-than "
                        + options.olderThan().toSeconds() + " s ago", null, recorded));
            }
            return;
        }
        Path target = outputDir.resolve(stem + "." + extension);
        targets.add(target);
        DirListing.Entry existing = outputs.get(stem);
        boolean exists = existing != null && existing.path().equals(target);
        String why;
        if (exists && existing.size() > 0 && options.skipArchived()) {
            why = "already archived (its output exists; probed before the source goes)";
        } else {
            transcodes.add(action(ArchiveActionType.TRANSCODE, first, target, exists
                    ? "replacing the existing output (--no-skip)" : "due", null, recorded));
            why = "after its transcode verifies";
        }
        for (DirListing.Entry f : files) {
            if (options.delete()) {
                removals.add(action(ArchiveActionType.DELETE, f, null, why, target, recorded));
                projected -= f.size();
            } else {
                removals.add(action(ArchiveActionType.TRASH, f, trashDir.resolve(f.path().getFileName()), why,
                        target, recorded));
            }
        }
    }

    /** Orphan outputs, and the cleanup of trash (and outputs with --clean-output) by age and size, oldest first. */
    private void cleanup(List<DirListing.Entry> output, List<DirListing.Entry> trash, Set<String> sourceStems,
            Set<Path> targets, List<ArchiveAction> skips, List<ArchiveAction> cleanup) {
        Set<String> trashStems = new HashSet<>();
        for (DirListing.Entry e : trash) {
            trashStems.add(e.parsed().stem());
        }
        List<DirListing.Entry> candidates = new ArrayList<>(trash);
        for (DirListing.Entry e : output) {
            boolean ownSource = sourceStems.contains(e.parsed().stem());
            if (!ownSource && !trashStems.contains(e.parsed().stem())) {
                skips.add(action(ArchiveActionType.SKIP, e, null, "archived output without a source (trash"
                        + " emptied or source deleted); kept unless cleanup removes it", null,
                        instant(e.parsed().local(), options.zone())));
            }
            if (options.cleanOutput() && !ownSource && !targets.contains(e.path())) {
                candidates.add(e);
            }
        }
        if (!options.cleanup()) {
            return;
        }
        candidates.sort(OLDEST_FIRST);
        for (DirListing.Entry e : candidates) {
            Instant recorded = instant(e.parsed().local(), options.zone());
            if (options.age() != null && Duration.between(recorded, now).compareTo(options.age()) > 0) {
                cleanup.add(action(ArchiveActionType.DELETE, e, null, ageReason, null, recorded));
                projected -= e.size();
            } else if (options.maxSize() >= 0 && projected > options.maxSize()) {
                cleanup.add(action(ArchiveActionType.DELETE, e, null, SIZE_CAP + projected
                        + " bytes over --max-size " + options.maxSize() + ", oldest first", null, recorded));
                projected -= e.size();
            }
        }
    }

    /** The last, undated part of the plan: files whose names did not parse, and temporary outputs. */
    ArchiveDay unrecognised(List<DirListing.Entry> files) {
        List<ArchiveAction> skips = new ArrayList<>(files.size());
        for (DirListing.Entry e : files) {
            String why = Layout.temporary(e.path().getFileName().toString())
                    ? "temporary output of a running or interrupted transcode"
                    : "name not recognised (no date and time in a known form; see --pattern); kept";
            skips.add(new ArchiveAction(ArchiveActionType.SKIP, e.path(), null, why, e.size(), null, e.modified(),
                    null));
        }
        return new ArchiveDay(null, skips);
    }

    /** The projected input + output + trash bytes after the actions planned so far. */
    long projected() {
        return projected;
    }

    private static ArchiveAction action(ArchiveActionType type, DirListing.Entry e, Path target, String reason,
            Path verifiedBy, Instant recorded) {
        return new ArchiveAction(type, e.path(), target, reason, e.size(), recorded, e.modified(), verifiedBy);
    }

    private static Instant latest(List<DirListing.Entry> files) {
        Instant t = Instant.MIN;
        for (DirListing.Entry f : files) {
            if (f.modified().isAfter(t)) {
                t = f.modified();
            }
        }
        return t;
    }
}
