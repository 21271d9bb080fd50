package io.stowage.archiver;

import io.stowage.transcode.Transcoder;
import io.stowage.transcode.TranscoderConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real runs on the bundled ffmpeg with 1 s clips: archive, verify, trash, failures, re-runs, hostile names, lock. */
class ArchiveRunTest {
    static Transcoder transcoder;

    @TempDir
    Path in;

    @BeforeAll
    static void start() {
        transcoder = Transcoder.create(TranscoderConfig.defaults().withMaxConcurrentJobs(2));
    }

    @AfterAll
    static void stop() {
        transcoder.close();
    }

    CameraArchiver archiver(ArchiveOptions o, ArchiveListener l) {
        return CameraArchiver.builder(in).options(o.withZone(ZoneId.of("Europe/Berlin"))).transcoder(transcoder)
                .listener(l).build();
    }

    ArchiveReport run(ArchiveOptions o) {
        CameraArchiver a = archiver(o, ArchiveListener.none());
        return a.execute(a.plan());
    }

    @Test
    void archivesVerifiesAndTrashesAndACorruptClipStaysWithItsReason() throws Exception {
        Fixtures.copyClip(transcoder, in, "2025/01/02/REO_front_20250102030405.mp4");
        Fixtures.file(in, "2025/01/02/REO_front_20250102030405.jpg", 100);
        Fixtures.copyClip(transcoder, in, "2025/01/03/Garden_00_20250103040000.mp4");
        Path corrupt = Fixtures.file(in, "2025/01/03/REO_back_20250103050000.mp4", 5000);
        Files.write(corrupt, "not an mp4 at all".repeat(200).getBytes());
        Fixtures.settled(corrupt);
        List<String> done = new CopyOnWriteArrayList<>();
        CameraArchiver a = archiver(ArchiveOptions.defaults(), new ArchiveListener() {
            @Override
            public void onActionDone(ArchiveAction action, boolean ok, String detail) {
                done.add(action.action().label() + " " + ok);
            }
        });
        ArchiveReport r = a.execute(a.plan());

        assertThat(r.status()).isEqualTo(ArchiveStatus.PARTIAL);
        assertThat(r.transcoded()).isEqualTo(2);
        assertThat(r.trashed()).isEqualTo(3);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo(corrupt);
            assertThat(f.reason()).contains("transcode failed");
        });
        assertThat(Fixtures.files(in)).containsExactlyInAnyOrder(
                "2025/01/03/REO_back_20250103050000.mp4",
                "archived/2025/01/02/REO_front_20250102030405.mp4",
                "archived/2025/01/03/Garden_00_20250103040000.mp4",
                ".deleted/2025/01/02/REO_front_20250102030405.mp4",
                ".deleted/2025/01/02/REO_front_20250102030405.jpg",
                ".deleted/2025/01/03/Garden_00_20250103040000.mp4");
        assertThat(transcoder.probe(in.resolve("archived/2025/01/02/REO_front_20250102030405.mp4")).video()
                .orElseThrow().codec()).isEqualTo("hevc");
        assertThat(in.resolve("2025/01/02")).doesNotExist(); // empty day folder removed
        assertThat(done).contains("transcode true", "trash true", "transcode false");

        // re-run: nothing left to do but the corrupt clip, which fails again and stays
        ArchiveReport again = run(ArchiveOptions.defaults());
        assertThat(again.transcoded()).isZero();
        assertThat(again.failed()).isEqualTo(1);
        assertThat(corrupt).exists();
    }

    @Test
    void anArchivedSourceIsTrashedOnlyAfterItsExistingOutputVerifies() throws Exception {
        Fixtures.copyClip(transcoder, in, "2025/01/02/REO_a_20250102010000.mp4");
        Fixtures.copyClip(transcoder, in, "2025/01/02/REO_a_20250102020000.mp4");
        Fixtures.copyClip(transcoder, in, "archived/2025/01/02/REO_a_20250102010000.mp4"); // a good output
        Fixtures.file(in, "archived/2025/01/02/REO_a_20250102020000.mp4", 300); // garbage under the final name
        ArchiveReport r = run(ArchiveOptions.defaults());
        assertThat(r.transcoded()).isZero();
        assertThat(r.trashed()).isEqualTo(1);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.path().getFileName().toString()).isEqualTo("REO_a_20250102020000.mp4");
            assertThat(f.reason()).contains("--no-skip");
        });
        assertThat(in.resolve("2025/01/02/REO_a_20250102020000.mp4")).exists();
        // --no-skip replaces it with a verified transcode, then the source goes
        ArchiveReport fixed = run(ArchiveOptions.defaults().withSkipArchived(false));
        assertThat(fixed.failed()).isZero();
        assertThat(in.resolve("2025/01/02")).doesNotExist();
        assertThat(in.resolve(".deleted/2025/01/02/REO_a_20250102020000.mp4")).exists();
    }

    @Test
    void aNameClashInTheTrashNeverOverwritesAndDeleteRemovesForGood() throws Exception {
        Fixtures.copyClip(transcoder, in, "2025/01/02/REO_a_20250102010000.mp4");
        Path old = Fixtures.file(in, ".deleted/2025/01/02/REO_a_20250102010000.mp4", 7);
        assertThat(run(ArchiveOptions.defaults()).status()).isEqualTo(ArchiveStatus.COMPLETE);
        assertThat(Files.size(old)).isEqualTo(7);
        assertThat(in.resolve(".deleted/2025/01/02/REO_a_20250102010000.1.mp4")).exists();

        Fixtures.copyClip(transcoder, in, "2025/01/05/REO_a_20250105010000.mp4");
        ArchiveReport r = run(ArchiveOptions.defaults().withDelete(true));
        assertThat(r.deleted()).isEqualTo(1);
        assertThat(Fixtures.files(in)).noneMatch(f -> f.contains("20250105") && !f.startsWith("archived/"));
    }

    @Test
    void namesThatLookLikeOptionsOrHoldShellCharactersReachFfmpegAsPlainNames() throws Exception {
        List<String> names = List.of("-y_00_20250102010000.mp4", "REO_a b 'c' \"d\"_20250102020000.mp4",
                "REO_$(touch pwned)`id`;x_20250102030000.mp4", "-i_00_20250102040000.mp4");
        for (String n : names) {
            Fixtures.copyClip(transcoder, in, "2025/01/02/" + n);
        }
        ArchiveReport r = run(ArchiveOptions.defaults());
        assertThat(r.failures()).isEmpty();
        assertThat(r.transcoded()).isEqualTo(names.size());
        for (String n : names) {
            assertThat(in.resolve("archived/2025/01/02/" + n)).exists();
            assertThat(in.resolve(".deleted/2025/01/02/" + n)).exists();
        }
        assertThat(Fixtures.files(in)).noneMatch(f -> f.contains("pwned") && !f.contains("REO_"));
        assertThat(Path.of("pwned")).doesNotExist();
    }

    @Test
    void aSecondArchiverOnTheSameInputIsRefusedAndAStaleLockIsTakenOver() throws Exception {
        Fixtures.file(in, "2025/01/02/REO_a_20250102010000.jpg", 1);
        try (LockFile held = LockFile.acquire(in.resolve(".stowage-archiver.lock"))) {
            CameraArchiver a = archiver(ArchiveOptions.defaults(), ArchiveListener.none());
            assertThatThrownBy(() -> a.execute(a.plan())).isInstanceOf(ArchiveLockedException.class)
                    .hasMessageContaining(Long.toString(ProcessHandle.current().pid()));
        }
        Files.writeString(in.resolve(".stowage-archiver.lock"), "999999999\n"); // a dead process's
        assertThat(run(ArchiveOptions.defaults()).status()).isEqualTo(ArchiveStatus.COMPLETE);
        assertThat(in.resolve(".stowage-archiver.lock")).doesNotExist();
    }
}
