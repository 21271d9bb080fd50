package io.stowage.archiver;

import java.time.LocalDate;
import java.util.List;

/**
 * The actions of one day of recordings (by the local date in their names), in the order they run: transcodes, the
 * removal of verified sources, skips, then cleanup.
 *
 * <p>{@code for (ArchiveDay d : plan) System.out.println(d.date() + ": " + d.actions().size());}
 *
 * @param date the local date; {@code null} for the files whose names did not parse
 * @param actions the actions
 *
 * <p>Immutable, so thread-safe.
 */
public record ArchiveDay(LocalDate date, List<ArchiveAction> actions) {
    public ArchiveDay {
        actions = List.copyOf(actions);
    }
}
