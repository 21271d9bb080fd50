package io.stowage.archiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Discovery and planning, on empty files: naming forms, DST, pairing, orphans, own files, each mode's plan. */
class DiscoveryTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir
    Path in;

    ArchivePlan plan(ArchiveOptions o) {
        return CameraArchiver.builder(in).options(o.withZone(BERLIN)).build().plan();
    }

    static Map<String, ArchiveActionType> byName(ArchivePlan plan) {
        return plan.actions().filter(a -> a.action() != ArchiveActionType.SKIP || !a.reason().startsWith("archived"))
                .collect(Collectors.toMap(a -> a.action() + " " + a.path().getFileName(), ArchiveAction::action,
                        (a, b) -> a));
    }

    @Test
    void findsTheThreeNamingFormsAndListsUnrecognisedNames() throws Exception {
        Fixtures.file(in, "2025/01/02/REO_front_20250102030405.mp4", 10);
        Fixtures.file(in, "2025/01/02/REO_front_20250102030405.jpg", 3);
        Fixtures.file(in, "Garden_00_20250102040000.mp4", 10);
        Fixtures.file(in, "cams/side-2025-01-02T05.06.07.mp4", 10);
        Fixtures.file(in, "2025/01/02/notes.txt", 5);
        Fixtures.file(in, "2025/01/02/REO_front_20251399999999.mp4", 5); // no such date
        ArchiveOptions o = ArchiveOptions.defaults().withPattern(ArchiveOptions.pattern(
                "(?<camera>\\w+)-(?<year>\\d{4})-(?<month>\\d\\d)-(?<day>\\d\\d)T(?<hour>\\d\\d)\\.(?<minute>\\d\\d)"
                        + "\\.(?<second>\\d\\d)\\.mp4"));
        ArchivePlan plan = plan(o);

        assertThat(plan.totals().sources()).isEqualTo(3);
        assertThat(plan.totals().snapshots()).isEqualTo(1);
        assertThat(plan.totals().unrecognised()).isEqualTo(2);
        List<ArchiveDay> days = plan.days().toList();
        assertThat(days).extracting(ArchiveDay::date).containsExactly(LocalDate.of(2025, 1, 2), null);
        List<ArchiveAction> day = days.get(0).actions();
        assertThat(day).filteredOn(a -> a.action() == ArchiveActionType.TRANSCODE)
                .extracting(a -> in.relativize(a.target()).toString()).containsExactlyInAnyOrder(
                        "archived/2025/01/02/REO_front_20250102030405.mp4",
                        "archived/2025/01/02/Garden_00_20250102040000.mp4",
                        "archived/2025/01/02/side-2025-01-02T05.06.07.mp4");
        assertThat(day).filteredOn(a -> a.action() == ArchiveActionType.TRASH)
                .extracting(a -> in.relativize(a.target()).toString()).contains(
                        ".deleted/2025/01/02/REO_front_20250102030405.jpg",
                        ".deleted/cams/side-2025-01-02T05.06.07.mp4");
        assertThat(days.get(1).actions()).extracting(a -> a.path().getFileName().toString())
                .containsExactlyInAnyOrder("notes.txt", "REO_front_20251399999999.mp4");
        assertThat(days.get(1).actions()).allMatch(a -> a.action() == ArchiveActionType.SKIP
                && a.reason().contains("not recognised"));
    }

    @Test
    void theSkippedAndTheRepeatedHourOfDaylightSavingTimeParseToTheRightInstants() throws Exception {
        // 2025-03-30 02:30 does not exist in Berlin (clocks jump 02:00 -> 03:00); 2025-10-26 02:30 happens twice
        Fixtures.file(in, "2025/03/30/REO_cam_20250330013000.mp4", 1);
        Fixtures.file(in, "2025/03/30/REO_cam_20250330023000.mp4", 1);
        Fixtures.file(in, "2025/03/30/REO_cam_20250330033000.mp4", 1);
        Fixtures.file(in, "2025/10/26/REO_cam_20251026013000.mp4", 1);
        Fixtures.file(in, "2025/10/26/REO_cam_20251026023000.mp4", 1);
        Fixtures.file(in, "2025/10/26/REO_cam_20251026033000.mp4", 1);
        ArchivePlan plan = plan(ArchiveOptions.defaults());
        Map<String, Instant> at = plan.actions().filter(a -> a.action() == ArchiveActionType.TRANSCODE)
                .collect(Collectors.toMap(a -> a.path().getFileName().toString().substring(8, 22),
                        ArchiveAction::recordedAt));
        assertThat(at).containsEntry("20250330013000", Instant.parse("2025-03-30T00:30:00Z"))
                .containsEntry("20250330023000", Instant.parse("2025-03-30T01:30:00Z")) // in the gap: shifted on
                .containsEntry("20250330033000", Instant.parse("2025-03-30T01:30:00Z"))
                .containsEntry("20251026013000", Instant.parse("2025-10-25T23:30:00Z"))
                .containsEntry("20251026023000", Instant.parse("2025-10-26T00:30:00Z")) // repeated: earlier offset
                .containsEntry("20251026033000", Instant.parse("2025-10-26T02:30:00Z"));
        // each stays on its local day, outputs named after the local date
        assertThat(plan.days().map(ArchiveDay::date).toList())
                .containsExactly(LocalDate.of(2025, 3, 30), LocalDate.of(2025, 10, 26));
        assertThat(plan.actions().filter(a -> a.action() == ArchiveActionType.TRANSCODE)
                .map(a -> in.relativize(a.target()).toString().substring(0, 19)).distinct().toList())
                .containsExactly("archived/2025/03/30", "archived/2025/10/26");
    }

    @Test
    void pairsJpgsFindsOrphansAndNeverTakesItsOwnFilesForRecordings() throws Exception {
        Fixtures.file(in, "2025/01/02/REO_a_20250102010000.mp4", 10);
        Fixtures.file(in, "2025/01/02/REO_a_20250102010000.jpg", 2);
        Fixtures.file(in, "2025/01/02/REO_a_20250102020000.jpg", 2); // snapshot without its recording
        Fixtures.file(in, "archived/2025/01/01/REO_a_20250101010000.mp4", 4); // output without source
        Fixtures.file(in, ".deleted/2025/01/01/REO_b_20250101020000.mp4", 4);
        Fixtures.file(in, ".deleted/2025/01/01/REO_b_20250101020000.1.mp4", 4); // a clash copy reads as its original
        Fixtures.file(in, "archiver.log", 100);
        Fixtures.file(in, "archiver.log.1", 100);
        Fixtures.file(in, ".stowage-archiver.lock", 6);
        ArchivePlan plan = plan(ArchiveOptions.defaults());
        ArchiveTotals t = plan.totals();
        assertThat(t.sources()).isEqualTo(1);
        assertThat(t.snapshots()).isEqualTo(2);
        assertThat(t.outputs()).isEqualTo(1);
        assertThat(t.trashed()).isEqualTo(2);
        assertThat(t.unrecognised()).isZero();
        assertThat(t.totalBytes()).isEqualTo(10 + 2 + 2 + 4 + 4 + 4);
        List<ArchiveAction> all = plan.actions().toList();
        assertThat(all).filteredOn(a -> a.reason().contains("orphan JPG")).singleElement()
                .extracting(a -> a.path().getFileName().toString()).isEqualTo("REO_a_20250102020000.jpg");
        assertThat(all).filteredOn(a -> a.reason().contains("output without a source")).singleElement()
                .extracting(a -> a.path().getFileName().toString()).isEqualTo("REO_a_20250101010000.mp4");
        assertThat(all).noneMatch(a -> a.path().getFileName().toString().startsWith("archiver.log")
                || a.path().getFileName().toString().endsWith(".lock"));
        assertThat(all).noneMatch(a -> a.action() == ArchiveActionType.DELETE);
    }

    @Test
    void recordingsStillBeingWrittenOrNotYetDueAreSkippedWithTheReason() throws Exception {
        Path fresh = in.resolve("2025/01/02/REO_a_20250102010000.mp4");
        Files.createDirectories(fresh.getParent());
        Files.write(fresh, new byte[5]);
        Path jpg = Fixtures.file(in, "2025/01/02/REO_a_20250102010000.jpg", 1);
        assertThat(plan(ArchiveOptions.defaults()).actions().toList()).hasSize(2)
                .allMatch(a -> a.action() == ArchiveActionType.SKIP && a.reason().contains("--settle"));
        assertThat(plan(ArchiveOptions.defaults().withSettle(Duration.ZERO)).actions()
                .filter(a -> a.action() == ArchiveActionType.TRANSCODE).count()).isEqualTo(1);
        assertThat(plan(ArchiveOptions.defaults().withSettle(Duration.ZERO).withOlderThan(Duration.ofDays(36500)))
                .actions().toList()).allMatch(a -> a.reason().contains("--older-than"));
        assertThat(jpg).exists();
    }

    @Test
    void thePlanOfEachMode() throws Exception {
        Fixtures.file(in, "2025/01/02/REO_a_20250102010000.mp4", 10);
        Fixtures.file(in, "2025/01/02/REO_a_20250102010000.jpg", 2);
        Fixtures.file(in, "2025/01/03/REO_a_20250103010000.mp4", 10);
        Fixtures.file(in, "archived/2025/01/03/REO_a_20250103010000.mp4", 5);
        Fixtures.file(in, ".deleted/2020/01/01/REO_a_20200101010000.mp4", 7);
        Fixtures.file(in, "archived/2020/01/01/REO_a_20200101010000.mp4", 3);

        // default: transcode what has no output, trash after verification; the archived one is only trashed
        assertThat(byName(plan(ArchiveOptions.defaults()))).containsOnly(
                Map.entry("TRANSCODE REO_a_20250102010000.mp4", ArchiveActionType.TRANSCODE),
                Map.entry("TRASH REO_a_20250102010000.mp4", ArchiveActionType.TRASH),
                Map.entry("TRASH REO_a_20250102010000.jpg", ArchiveActionType.TRASH),
                Map.entry("TRASH REO_a_20250103010000.mp4", ArchiveActionType.TRASH));
        // --no-skip transcodes the archived one again; --delete deletes instead of trashing
        assertThat(byName(plan(ArchiveOptions.defaults().withSkipArchived(false).withDelete(true)))).containsOnly(
                Map.entry("TRANSCODE REO_a_20250102010000.mp4", ArchiveActionType.TRANSCODE),
                Map.entry("TRANSCODE REO_a_20250103010000.mp4", ArchiveActionType.TRANSCODE),
                Map.entry("DELETE REO_a_20250102010000.mp4", ArchiveActionType.DELETE),
                Map.entry("DELETE REO_a_20250102010000.jpg", ArchiveActionType.DELETE),
                Map.entry("DELETE REO_a_20250103010000.mp4", ArchiveActionType.DELETE));
        // --cleanup --age: the old trash goes, the old output only with --clean-output
        ArchiveOptions age = ArchiveOptions.defaults().withCleanup(true).withAge(Duration.ofDays(365));
        List<ArchiveAction> cleanup = plan(age).actions().filter(a -> a.action() == ArchiveActionType.DELETE)
                .toList();
        assertThat(cleanup).extracting(a -> in.relativize(a.path()).toString())
                .containsExactly(".deleted/2020/01/01/REO_a_20200101010000.mp4");
        assertThat(plan(age.withCleanOutput(true)).actions().filter(a -> a.action() == ArchiveActionType.DELETE)
                .map(a -> in.relativize(a.path()).toString()).toList()).containsExactlyInAnyOrder(
                        ".deleted/2020/01/01/REO_a_20200101010000.mp4", "archived/2020/01/01/REO_a_20200101010000.mp4");
        // sources are never cleanup candidates, even far over the cap
        ArchivePlan capped = plan(ArchiveOptions.defaults().withCleanup(true).withCleanOutput(true).withMaxSize(1));
        assertThat(capped.actions().filter(a -> a.action() == ArchiveActionType.DELETE)
                .map(a -> in.relativize(a.path()).toString()).toList()).containsExactlyInAnyOrder(
                        "archived/2020/01/01/REO_a_20200101010000.mp4", ".deleted/2020/01/01/REO_a_20200101010000.mp4");
    }

    @Test
    void badOptionsNameTheOptionAndTheFix() {
        assertThatThrownBy(() -> ArchiveOptions.defaults().withPattern(ArchiveOptions.pattern("(?<year>\\d{4})")))
                .isInstanceOf(ArchiveInvalidOptionException.class).hasMessageContaining("month");
        assertThatThrownBy(() -> ArchiveOptions.pattern("(")).isInstanceOf(ArchiveInvalidOptionException.class);
        assertThatThrownBy(() -> ArchiveOptions.defaults().withWorkers(-1))
                .isInstanceOf(ArchiveInvalidOptionException.class).hasMessageContaining("workers");
        assertThatThrownBy(() -> CameraArchiver.builder(in).options(ArchiveOptions.defaults().withPreset("nope"))
                .build().plan()).isInstanceOf(ArchiveInvalidOptionException.class)
                .hasMessageContaining("camera-archive");
        assertThatThrownBy(() -> CameraArchiver.builder(in.resolve("missing")).build().plan())
                .isInstanceOf(ArchiveIoException.class).hasMessageContaining("does not exist");
    }
}
