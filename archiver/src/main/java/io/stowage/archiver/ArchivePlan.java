package io.stowage.archiver;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Everything a run will do, decided before anything changes: per day (oldest first) the transcodes, the removal of
 * verified sources, the skips with their reasons and the cleanup; then the files whose names did not parse. The
 * totals come from a first pass over the trees; the days are read one at a time when iterated, so memory stays flat
 * however many days there are. Each iteration lists the folders again, with the sizes and mtimes the first pass
 * read (a file it did not see is looked up; a file changed since is re-checked before
 * any action anyway).
 *
 * <pre>{@code
 * ArchivePlan plan = archiver.plan();
 * System.out.println(plan.totals().sources() + " recordings");
 * plan.actions().forEach(a -> System.out.println(a.describe()));   // a dry run
 * }</pre>
 *
 * <p>Thread-safe: every iteration has its own state; the plan itself is immutable.
 */
public final class ArchivePlan implements Iterable<ArchiveDay> {
    private final Layout layout;
    private final ArchiveOptions options;
    private final NameParser parser;
    private final Survey survey;
    private final String extension;
    private final Instant createdAt;

    ArchivePlan(Layout layout, ArchiveOptions options, NameParser parser, Survey survey, String extension,
            Instant createdAt) {
        this.layout = layout;
        this.options = options;
        this.parser = parser;
        this.survey = survey;
        this.extension = extension;
        this.createdAt = createdAt;
    }

    /** What the first pass found. */
    public ArchiveTotals totals() {
        return survey.totals();
    }

    /** The options the plan was made with. */
    public ArchiveOptions options() {
        return options;
    }

    /** The input folder (absolute). */
    public Path input() {
        return layout.input();
    }

    /** The output folder (absolute). */
    public Path output() {
        return layout.output();
    }

    /** The trash folder (absolute). */
    public Path trash() {
        return layout.trash();
    }

    /** The time settle and age were measured from. */
    public Instant createdAt() {
        return createdAt;
    }

    /** The days, oldest first, then (date {@code null}) the unrecognised files; each day read when reached. */
    @Override
    public Iterator<ArchiveDay> iterator() {
        return new Days();
    }

    /** The days as a lazy stream. */
    public Stream<ArchiveDay> days() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED
                | Spliterator.NONNULL), false);
    }

    /** Every action of every day, in order, as a lazy stream. */
    public Stream<ArchiveAction> actions() {
        return days().flatMap(d -> d.actions().stream());
    }

    Layout layout() {
        return layout;
    }

    /** One iteration: its own listing cache and its own projected total for the size cap. */
    private final class Days implements Iterator<ArchiveDay> {
        private final Iterator<Map.Entry<LocalDate, Survey.DayDirs>> days = survey.days.entrySet().iterator();
        private final DirListing listing = new DirListing(parser, layout, survey.attrs);
        private final Planner planner = new Planner(layout, options, extension, createdAt,
                survey.totals().totalBytes());
        private boolean unrecognisedDone = survey.unrecognisedDirs.isEmpty();

        @Override
        public boolean hasNext() {
            return days.hasNext() || !unrecognisedDone;
        }

        @Override
        public ArchiveDay next() {
            if (days.hasNext()) {
                Map.Entry<LocalDate, Survey.DayDirs> d = days.next();
                return planner.day(d.getKey(), files(d, Layout.Tree.INPUT), files(d, Layout.Tree.OUTPUT),
                        files(d, Layout.Tree.TRASH));
            }
            if (unrecognisedDone) {
                throw new NoSuchElementException();
            }
            unrecognisedDone = true;
            List<DirListing.Entry> all = new ArrayList<>();
            for (Path dir : survey.unrecognisedDirs) {
                all.addAll(listing.list(dir).unrecognised());
            }
            return planner.unrecognised(all);
        }

        private List<DirListing.Entry> files(Map.Entry<LocalDate, Survey.DayDirs> day, Layout.Tree tree) {
            List<DirListing.Entry> out = new ArrayList<>();
            for (Path dir : day.getValue().of(tree)) {
                out.addAll(listing.list(dir).byDay().getOrDefault(day.getKey(), List.of()));
            }
            return out;
        }
    }
}
