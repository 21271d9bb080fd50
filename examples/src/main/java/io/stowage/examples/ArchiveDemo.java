package io.stowage.examples;

import io.stowage.archiver.ArchiveAction;
import io.stowage.archiver.ArchiveActionType;
import io.stowage.archiver.ArchiveOptions;
import io.stowage.archiver.ArchivePlan;
import io.stowage.archiver.ArchiveReport;
import io.stowage.archiver.ArchiveStatus;
import io.stowage.archiver.ArchiveTotals;
import io.stowage.archiver.CameraArchiver;
import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.Transcoder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The camera archive pipeline: a generated camera folder ({@code YYYY/MM/DD/REO_cam_YYYYMMDDHHMMSS.mp4} with its JPG
 * snapshot, for two days; one clip still being written; a file that is no recording; a trash holding a recording of
 * 60 days ago) is planned, printed as a dry run, archived (each clip transcoded with the {@code camera-archive}
 * preset, verified, its source and snapshot moved to the trash) and cleaned up by age. Checks: the dry run changed
 * nothing, every due clip has a verified output and its sources are in the trash, the clip being written and the
 * unknown file were left alone, the old trash is gone.
 *
 * <p>{@code new ArchiveDemo().run(Files.createTempDirectory("archive"), System.out);}
 *
 * <p>Stateless and thread-safe.
 */
public final class ArchiveDemo implements DemoPipeline {
    /** Clips per day, over two days. */
    static final int CLIPS_PER_DAY = 2;
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd", Locale.ROOT);

    @Override
    public String name() {
        return "archive";
    }

    @Override
    public String description() {
        return "a generated camera folder: plan, dry run, archive (transcode, verify, trash), cleanup by age";
    }

    @Override
    public void run(Path workDir, PrintStream out) throws Exception {
        Path camera = workDir.resolve("camera");
        try (Transcoder t = Transcoder.create()) {
            // 1. a camera folder as the cameras write it: clips (1 s, 160x120) and JPG snapshots by day
            Path clip = workDir.resolve("clip.mp4");
            MediaInfo info = t.createTestClip(clip, Duration.ofSeconds(1), 160, 120, true);
            Path jpg = workDir.resolve("snapshot.jpg");
            t.transcode(clip, jpg, "thumbnail-jpg");
            LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC).withNano(0);
            Instant anHourAgo = Instant.now().minusSeconds(3600);
            for (int day = 1; day <= 2; day++) {
                for (int i = 0; i < CLIPS_PER_DAY; i++) {
                    LocalDateTime at = now.minusDays(day).withHour(8 + i).withMinute(0).withSecond(0);
                    put(clip, recording(camera, at, ".mp4"), anHourAgo);
                    put(jpg, recording(camera, at, ".jpg"), anHourAgo);
                }
            }
            Path writing = put(clip, recording(camera, now.minusMinutes(1), ".mp4"), Instant.now()); // still written
            Path notes = Files.writeString(camera.resolve("notes.txt"), "not a recording: never touched");
            Path oldTrash = put(clip, recording(camera.resolve(".deleted"), now.minusDays(60), ".mp4"), anHourAgo);
            out.printf(Locale.ROOT, "  camera folder %s: %d clips of %.1f s over 2 days with snapshots, one being"
                    + " written, a trash from 60 days ago%n", camera, 2 * CLIPS_PER_DAY + 1, info.durationSeconds());

            // names in UTC here; a clip written within 10 minutes counts as still being written (default 2m)
            ArchiveOptions options = ArchiveOptions.defaults().withZone(ZoneOffset.UTC)
                    .withSettle(Duration.ofMinutes(10));
            try (CameraArchiver archiver = CameraArchiver.builder(camera).options(options).transcoder(t).build()) {
                // 2. the plan: decided before anything changes; printing it is the dry run
                ArchivePlan plan = archiver.plan();
                ArchiveTotals totals = plan.totals();
                out.printf(Locale.ROOT, "  plan: %d recordings, %d snapshots, %d in the trash, %d unrecognised, %d days%n",
                        totals.sources(), totals.snapshots(), totals.trashed(), totals.unrecognised(), totals.days());
                Map<ArchiveActionType, Integer> counts = new EnumMap<>(ArchiveActionType.class);
                for (ArchiveAction a : (Iterable<ArchiveAction>) plan.actions()::iterator) {
                    counts.merge(a.action(), 1, Integer::sum);
                    if (a.action() == ArchiveActionType.SKIP) {
                        out.println("    dry run: " + a.action().label() + " " + camera.relativize(a.path()) + " ("
                                + a.reason() + ")");
                    }
                }
                StringBuilder planned = new StringBuilder();
                counts.forEach((type, n) -> planned.append(planned.length() == 0 ? "" : ", ").append(type.label())
                        .append(' ').append(n));
                out.println("    dry run: " + planned + "; nothing changed");
                check(Files.exists(writing) && counts.getOrDefault(ArchiveActionType.TRANSCODE, 0) == 2 * CLIPS_PER_DAY,
                        "the plan transcodes every settled clip: " + counts);

                // 3. the run: transcode, verify, move source and snapshot to the trash
                ArchiveReport run = archiver.execute(plan);
                out.printf(Locale.ROOT, "  archive: %s, %d transcoded (%d -> %d bytes), %d moved to the trash, %d"
                        + " skipped in %.1f s%n", run.status().label(), run.transcoded(), run.bytesIn(), run.bytesOut(),
                        run.trashed(), run.skipped(), run.elapsedS());
                check(run.status() == ArchiveStatus.COMPLETE && run.transcoded() == 2 * CLIPS_PER_DAY
                        && run.trashed() == 4 * CLIPS_PER_DAY, "archive run: " + run);
                for (int day = 1; day <= 2; day++) {
                    LocalDateTime at = now.minusDays(day).withHour(8).withMinute(0).withSecond(0);
                    Path output = recording(camera.resolve("archived"), at, ".mp4");
                    check(t.probe(output).video().isPresent(), "verified output " + output);
                    check(Files.exists(recording(camera.resolve(".deleted"), at, ".jpg")), "snapshot in the trash");
                }
                check(Files.exists(writing) && Files.exists(notes), "the clip being written and notes.txt stay");
            }

            // 4. cleanup by age: the trash of 60 days ago goes, the fresh trash stays (a re-run finds no work)
            try (CameraArchiver cleaner = CameraArchiver.builder(camera).transcoder(t)
                    .options(options.withCleanup(true).withAge(Duration.ofDays(30))).build()) {
                ArchiveReport cleanup = cleaner.execute(cleaner.plan());
                out.printf(Locale.ROOT, "  cleanup --age 30d: %d deleted (%d bytes freed), %d empty folders removed,"
                        + " %d transcoded%n", cleanup.deleted(), cleanup.bytesFreed(), cleanup.foldersRemoved(),
                        cleanup.transcoded());
                check(cleanup.deleted() == 1 && !Files.exists(oldTrash) && cleanup.transcoded() == 0,
                        "cleanup: " + cleanup);
            }
            out.println("  outputs: " + camera.resolve("archived") + ", trash: " + camera.resolve(".deleted"));
        }
    }

    /** {@code ROOT/YYYY/MM/DD/REO_cam_YYYYMMDDHHMMSS.EXT}: the camera folder layout. */
    private static Path recording(Path root, LocalDateTime at, String ext) {
        return root.resolve(DAY.format(at)).resolve("REO_cam_" + NAME.format(at) + ext);
    }

    private static Path put(Path from, Path to, Instant modified) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
        Files.setLastModifiedTime(to, FileTime.from(modified));
        return to;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("archive demo check failed: " + what);
        }
    }
}
