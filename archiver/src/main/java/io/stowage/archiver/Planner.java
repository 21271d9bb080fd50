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
    private static final Comparator<DirListing.Entry> OLDEST_FIRST = Comparator
            .comparing((DirListing.Entry e) -> e.parsed().local()).thenComparing(e -> e.path().toString());

    private final Layout layout;
    private final ArchiveOptions options;
    private final String extension;
    private final Instant now;
    private long projected;

    Planner(Layout layout, ArchiveOptions options, String extension, Instant now, long totalBytes) {
        this.layout = layout;
        this.options = options;
        this.extension = extension;
        this.now = now;
        this.projected = totalBytes;
    }

    /** The instant of a local time in the options' zone: the earlier offset in the repeated hour, later in a gap. */
    static Instant instant(java.time.LocalDateTime local, java.time.ZoneId zone) {
        return ZonedDateTime.ofLocal(local, zone, null).toInstant();
    }

    /** The archived output of a source stem recorded on {@code day}. */
    Path outputOf(LocalDate day, String stem) {
        return layout.output().resolve(String.format(Locale.ROOT, "%04d/%02d/%02d", day.getYear(),
                day.getMonthValue(), day.getDayOfMonth())).resolve(stem + "." + extension);
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
        Set<String> trashStems = new HashSet<>();
        for (DirListing.Entry e : trash) {
            trashStems.add(e.parsed().stem());
        }
        // one recording = the MP4 and JPG files of one stem in one folder
        Map<String, List<DirListing.Entry>> recordings = new TreeMap<>();
        for (DirListing.Entry e : input) {
            recordings.computeIfAbsent(e.path().getParent() + "/" + e.parsed().stem(), k -> new ArrayList<>()).add(e);
        }
        Set<String> sourceStems = new HashSet<>();
        Set<Path> targets = new HashSet<>();
        for (List<DirListing.Entry> files : recordings.values()) {
            files.sort(Comparator.comparing((DirListing.Entry e) -> e.parsed().kind()));
            DirListing.Entry mp4 = files.get(0).parsed().kind() == NameParser.Kind.MP4 ? files.get(0) : null;
            if (mp4 == null) {
                for (DirListing.Entry jpg : files) {
                    skips.add(action(ArchiveActionType.SKIP, jpg, null,
                            "snapshot without a recording (orphan JPG); kept", null));
                }
                continue;
            }
            String stem = mp4.parsed().stem();
            sourceStems.add(stem);
            Instant recorded = instant(mp4.parsed().local(), options.zone());
            Duration sinceModified = Duration.between(latest(files), now);
            if (sinceModified.compareTo(options.settle()) < 0) {
                for (DirListing.Entry f : files) {
                    skips.add(action(ArchiveActionType.SKIP, f, null, "modified " + sinceModified.toSeconds()
                            + " s ago, within --settle " + options.settle().toSeconds() + " s: still being written",
                            null));
                }
                continue;
            }
            if (Duration.between(recorded, now).compareTo(options.olderThan()) < 0) {
                for (DirListing.Entry f : files) {
                    skips.add(action(ArchiveActionType.SKIP, f, null, "recorded less than --older-than "
                            + options.olderThan().toSeconds() + " s ago", null));
                }
                continue;
            }
            Path target = outputOf(day, stem);
            targets.add(target);
            DirListing.Entry existing = outputs.get(stem);
            String why;
            if (existing != null && existing.path().equals(target) && existing.size() > 0
                    && options.skipArchived()) {
                why = "already archived as " + target;
            } else {
                transcodes.add(action(ArchiveActionType.TRANSCODE, mp4, target, existing != null
                        && existing.path().equals(target) ? "replacing the existing output (--no-skip)"
                        : "due (recorded " + mp4.parsed().local() + ")", null));
                why = "archived as " + target;
            }
            for (DirListing.Entry f : files) {
                if (options.delete()) {
                    removals.add(action(ArchiveActionType.DELETE, f, null, why + "; --delete", target));
                    projected -= f.size();
                } else {
                    removals.add(action(ArchiveActionType.TRASH, f,
                            layout.trash().resolve(layout.input().relativize(f.path())), why, target));
                }
            }
        }
        List<DirListing.Entry> candidates = new ArrayList<>(trash);
        for (DirListing.Entry e : output) {
            boolean ownSource = sourceStems.contains(e.parsed().stem());
            if (!ownSource && !trashStems.contains(e.parsed().stem())) {
                skips.add(action(ArchiveActionType.SKIP, e, null, "archived output without a source (trash"
                        + " emptied or source deleted); kept unless cleanup removes it", null));
            }
            if (options.cleanOutput() && !ownSource && !targets.contains(e.path())) {
                candidates.add(e);
            }
        }
        if (options.cleanup()) {
            candidates.sort(OLDEST_FIRST);
            for (DirListing.Entry e : candidates) {
                Instant recorded = instant(e.parsed().local(), options.zone());
                if (options.age() != null && Duration.between(recorded, now).compareTo(options.age()) > 0) {
                    cleanup.add(action(ArchiveActionType.DELETE, e, null, "older than --age "
                            + options.age().toSeconds() + " s", null));
                    projected -= e.size();
                } else if (options.maxSize() >= 0 && projected > options.maxSize()) {
                    cleanup.add(action(ArchiveActionType.DELETE, e, null, "size cap: " + projected
                            + " bytes over --max-size " + options.maxSize() + ", oldest first", null));
                    projected -= e.size();
                }
            }
        }
        List<ArchiveAction> all = new ArrayList<>(transcodes.size() + removals.size() + skips.size()
                + cleanup.size());
        all.addAll(transcodes);
        all.addAll(removals);
        all.addAll(skips);
        all.addAll(cleanup);
        return new ArchiveDay(day, all);
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

    private ArchiveAction action(ArchiveActionType type, DirListing.Entry e, Path target, String reason,
            Path verifiedBy) {
        return new ArchiveAction(type, e.path(), target, reason, e.size(), instant(e.parsed().local(),
                options.zone()), e.modified(), verifiedBy);
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
