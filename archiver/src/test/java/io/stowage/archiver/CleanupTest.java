package io.stowage.archiver;

import io.stowage.transcode.Transcoder;
import io.stowage.transcode.TranscoderConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Cleanup by size and age, and the dry run that changes nothing. */
class CleanupTest {
    static Transcoder transcoder;

    @TempDir
    Path in;

    @BeforeAll
    static void start() {
        transcoder = Transcoder.create(TranscoderConfig.defaults().withMaxConcurrentJobs(1));
    }

    @AfterAll
    static void stop() {
        transcoder.close();
    }

    ArchiveReport run(ArchiveOptions o) {
        CameraArchiver a = CameraArchiver.builder(in).options(o.withZone(ZoneId.of("UTC"))).transcoder(transcoder)
                .build();
        return a.execute(a.plan());
    }

    @Test
    void afterCleanupTheTotalIsUnderTheCapAndWhatWasRemovedIsExactlyTheOldest() throws Exception {
        List<String> trash = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        for (int day = 1; day <= 9; day++) {
            trash.add(String.format(".deleted/2024/03/%02d/REO_a_202403%02d120000.mp4", day, day));
            outputs.add(String.format("archived/2024/03/%02d/REO_a_202403%02d110000.mp4", day, day));
        }
        trash.forEach(f -> file(f, 1000));
        outputs.forEach(f -> file(f, 1000));
        Path source = Fixtures.file(in, "2024/03/01/REO_b_20240301000000.mp4", 5000); // no output: never removed
        file("notes.txt", 500); // not a recording: counted, never removed
        long before = Fixtures.treeBytes(in);
        assertThat(before).isEqualTo(18 * 1000 + 5000 + 500);
        long cap = 12_000;

        ArchiveReport r = run(ArchiveOptions.defaults().withOlderThan(Duration.ofDays(36500)).withCleanup(true)
                .withCleanOutput(true).withMaxSize(cap));

        long after = Fixtures.treeBytes(in);
        assertThat(after).isLessThanOrEqualTo(cap).isEqualTo(r.totalBytes());
        assertThat(r.capMet()).isTrue();
        assertThat(r.status()).isEqualTo(ArchiveStatus.COMPLETE);
        // 11,500 bytes over the cap: the 12 oldest files go (output 11:00 before trash 12:00 of each day)
        List<String> removed = new ArrayList<>();
        for (int day = 1; day <= 6; day++) {
            removed.add(outputs.get(day - 1));
            removed.add(trash.get(day - 1));
        }
        List<String> left = Fixtures.files(in);
        assertThat(left).doesNotContainAnyElementsOf(removed);
        assertThat(left).containsAll(trash.subList(6, 9)).containsAll(outputs.subList(6, 9))
                .contains("notes.txt", in.relativize(source).toString());
        assertThat(r.deleted()).isEqualTo(12);
    }

    @Test
    void aCapThatCannotBeMetIsSaidAndTheSourcesStay() throws Exception {
        file(".deleted/2024/03/01/REO_a_20240301120000.mp4", 1000);
        Path source = Fixtures.file(in, "2024/03/02/REO_b_20240302000000.mp4", 5000);
        ArchiveReport r = run(ArchiveOptions.defaults().withOlderThan(Duration.ofDays(36500)).withCleanup(true)
                .withMaxSize(100));
        assertThat(r.capMet()).isFalse();
        assertThat(r.status()).isEqualTo(ArchiveStatus.PARTIAL);
        assertThat(source).exists();
        assertThat(Fixtures.files(in)).containsExactly("2024/03/02/REO_b_20240302000000.mp4");
    }

    @Test
    void cleanupByAgeEmptiesOldTrashAndRemovesEmptyFolders() throws Exception {
        file(".deleted/2020/01/01/REO_a_20200101120000.mp4", 10);
        file(".deleted/2020/01/01/REO_a_20200101120000.jpg", 10);
        String recent = java.time.LocalDate.now(ZoneId.of("UTC")).minusDays(1).format(
                java.time.format.DateTimeFormatter.ofPattern("yyyy/MM/dd/'REO_a_'yyyyMMdd'120000.mp4'"));
        file(".deleted/" + recent, 10);
        ArchiveReport r = run(ArchiveOptions.defaults().withCleanup(true).withAge(Duration.ofDays(30)));
        assertThat(r.deleted()).isEqualTo(2);
        assertThat(Fixtures.files(in)).containsExactly(".deleted/" + recent);
        assertThat(in.resolve(".deleted/2020")).doesNotExist();
        assertThat(in.resolve(".deleted")).exists();
    }

    @Test
    void aDryRunChangesNothing() throws Exception {
        Fixtures.copyClip(transcoder, in, "2025/01/02/REO_a_20250102010000.mp4");
        file("2025/01/02/REO_a_20250102010000.jpg", 10);
        file(".deleted/2020/01/01/REO_a_20200101120000.mp4", 10);
        file("archived/2020/01/01/REO_a_20200101120000.mp4", 10);
        file("weird name.txt", 10);
        String hash = Fixtures.treeHash(in);
        CameraArchiver a = CameraArchiver.builder(in).options(ArchiveOptions.defaults().withCleanup(true)
                .withCleanOutput(true).withMaxSize(0).withAge(Duration.ZERO).withDelete(true)).build();
        ArchivePlan plan = a.plan();
        assertThat(plan.actions().count()).isGreaterThan(3);
        assertThat(plan.actions().filter(x -> x.action() == ArchiveActionType.DELETE).count()).isEqualTo(4);
        assertThat(Fixtures.treeHash(in)).isEqualTo(hash);
    }

    private void file(String rel, int size) {
        try {
            Fixtures.file(in, rel, size);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
