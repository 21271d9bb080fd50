package io.stowage.archiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The first pass's sizes and mtimes, reused by the day pass: one lstat per file, and files added since looked up. */
class FolderAttrsTest {
    @TempDir
    Path in;

    @Test
    void findsEntriesByPositionOrNearbyAndRefusesUnknownNamesAndFolders() throws Exception {
        Path dir = Files.createDirectories(in.resolve("d"));
        Survey.FolderAttrs f = new Survey.FolderAttrs();
        for (String n : List.of("a.mp4", "b.mp4", "c.mp4", "sub")) {
            Path p = n.equals("sub") ? Files.createDirectories(dir.resolve(n)) : Files.write(dir.resolve(n),
                    n.getBytes());
            Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2025-01-02T03:04:05.123456789Z")));
            f.add(n, Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        }
        assertThat(f.find("a.mp4", 0)).isEqualTo(0);
        assertThat(f.find("c.mp4", 1)).isEqualTo(2); // an entry removed before it
        assertThat(f.find("b.mp4", 3)).isEqualTo(1); // an entry added before it
        assertThat(f.find("new.mp4", 1)).isEqualTo(-1);
        assertThat(f.find("sub", 3)).isEqualTo(-1); // not a regular file: looked up again
        assertThat(f.size(2)).isEqualTo(5);
        assertThat(f.modified(2)).isEqualTo(Instant.parse("2025-01-02T03:04:05.123456789Z"));
    }

    @Test
    void theDayPassIsTheFirstPassSnapshotAndLeavesFilesAddedSinceForTheNextRun() throws Exception {
        Fixtures.file(in, "2025/01/02/REO_front_20250102030405.mp4", 10);
        ArchivePlan plan = CameraArchiver.builder(in).options(ArchiveOptions.defaults().withZone(ZoneOffset.UTC)
                .withSettle(java.time.Duration.ZERO)).build().plan();
        Fixtures.file(in, "2025/01/02/REO_front_20250102030405.mp4", 20); // changed since: re-checked before acting
        Fixtures.file(in, "2025/01/02/REO_front_20250102040000.mp4", 7); // added since: the next run's
        List<ArchiveAction> transcodes = plan.actions().filter(a -> a.action() == ArchiveActionType.TRANSCODE)
                .toList();
        assertThat(transcodes).extracting(a -> a.path().getFileName().toString() + " " + a.bytes())
                .containsExactly("REO_front_20250102030405.mp4 10");
        assertThat(plan.totals().sources()).isEqualTo(1);
    }

    @Test
    void pastTheNamesBudgetTheDayPassListsAgainWithTheFirstPassSizes() throws Exception {
        Path dir = Files.createDirectories(in.resolve("d"));
        Survey.FolderAttrs f = new Survey.FolderAttrs(true);
        Path a = Files.write(dir.resolve("REO_front_20250102030405.mp4"), new byte[3]);
        f.add(a.getFileName().toString(), Files.readAttributes(a, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS));
        Files.write(dir.resolve("REO_front_20250102040000.mp4"), new byte[5]); // not seen by the "first pass"
        Files.write(a, new byte[9]); // changed since: the first pass's size stands
        Layout layout = Layout.of(in, ArchiveOptions.defaults());
        DirListing.Listed remembered = new DirListing(new NameParser(null), layout, java.util.Map.of(dir, f))
                .list(dir);
        assertThat(remembered.byDay().values()).singleElement().satisfies(l -> assertThat(l)
                .extracting(e -> e.path().getFileName() + " " + e.size())
                .containsExactly("REO_front_20250102030405.mp4 3"));
        DirListing.Listed listed = new DirListing(new NameParser(null), layout,
                java.util.Map.of(dir, f.withoutNames())).list(dir);
        assertThat(listed.byDay().values()).singleElement().satisfies(l -> assertThat(l)
                .extracting(e -> e.path().getFileName() + " " + e.size())
                .containsExactlyInAnyOrder("REO_front_20250102030405.mp4 3", "REO_front_20250102040000.mp4 5"));
    }
}
