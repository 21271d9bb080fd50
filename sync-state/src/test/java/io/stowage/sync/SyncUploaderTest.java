package io.stowage.sync;

import io.stowage.s3.UploadOptions;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.PgSchemaExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.stowage.sync.SyncFixtures.assertLedgerMatchesStore;
import static io.stowage.sync.SyncFixtures.files;
import static io.stowage.sync.SyncFixtures.objects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ledgered upload against EmbeddedS3 over HTTP, on a SQLite file and on a PostgreSQL schema. */
class SyncUploaderTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @RegisterExtension
    static final PgSchemaExtension pg = PgSchemaExtension.of(() -> TestSchemas.create("uploader"));

    @TempDir
    Path tmp;
    CountingS3 counter;
    S3Client s3;
    String project;

    @BeforeEach
    void client() {
        counter = new CountingS3(null, 0);
        s3 = CountingS3.client(S3.endpoint(), counter);
        project = "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeClient() {
        s3.close();
    }

    private SyncConfig config(String url, Path dir) {
        return SyncConfig.defaults().withProject(project, url).withSource(dir).withTarget(S3.bucket(), "up")
                .withWorkers(4);
    }

    private SyncUploader uploader(SyncLedger ledger) {
        return SyncUploader.builder(ledger, s3).uploadOptions(UploadOptions.defaults()
                .withRetries(1, Duration.ofMillis(1), Duration.ofMillis(1))).build();
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void rerunOfAnUploadedTreeSkipsEverythingWithoutS3Requests(Ledgers kind) {
        Path dir = files(tmp.resolve("src"), 40);
        String url = kind.url(tmp, pg, "ledger");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            SyncReport first = uploader(ledger).upload(config(url, dir));
            assertThat(first.files().uploaded()).isEqualTo(40);
            assertThat(first.files().newFiles()).isEqualTo(40);
            assertThat(first.files().failed()).isZero();
            assertThat(first.status()).isEqualTo(SessionStatus.COMPLETED);
            assertThat(counter.count("PutObject")).isEqualTo(40);
            assertThat(objects(S3.client(), S3.bucket(), "up/")).hasSize(40);
            ProjectStatus st = ledger.status(project);
            assertThat(st.uploaded()).isEqualTo(40);
            assertThat(st.pending() + st.uploading() + st.failed()).isZero();
            assertLedgerMatchesStore(ledger, project, S3.client(), dir);

            counter.reset();
            SyncReport second = uploader(ledger).upload(config(url, dir));
            assertThat(second.files().unchanged()).isEqualTo(40);
            assertThat(second.files().uploaded()).isZero();
            assertThat(second.work().rounds()).isZero();
            assertThat(counter.total()).as("S3 requests of the re-run: %s", counter.requests).isZero();
            assertThat(ledger.sessions(project, 10)).hasSize(2)
                    .allSatisfy(s -> assertThat(s.status()).isEqualTo(SessionStatus.COMPLETED));
            SessionInfo s = ledger.session(second.sessionId());
            assertThat(s.totalFiles()).isEqualTo(40);
            assertThat(s.filesSkipped()).isEqualTo(40);
            assertThat(s.endedAt()).isNotNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void changedAndNewFilesAreUploadedAndOnlyThose(Ledgers kind) throws Exception {
        Path dir = files(tmp.resolve("src"), 12);
        String url = kind.url(tmp, pg, "ledger");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            uploader(ledger).upload(config(url, dir));
            Files.writeString(dir.resolve("d1/f001.txt"), "changed content, longer than before");
            Files.writeString(dir.resolve("d2/new.txt"), "new");
            counter.reset();
            SyncReport r = uploader(ledger).upload(config(url, dir));
            assertThat(r.files().uploaded()).isEqualTo(2);
            assertThat(r.files().changed()).isEqualTo(1);
            assertThat(r.files().newFiles()).isEqualTo(1);
            assertThat(r.files().unchanged()).isEqualTo(11);
            assertThat(counter.putKeys).containsExactlyInAnyOrder("up/d1/f001.txt", "up/d2/new.txt");
            assertLedgerMatchesStore(ledger, project, S3.client(), dir);
        }
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void filesAlreadyInTheStoreAreRecordedWithoutPut(Ledgers kind) {
        Path dir = files(tmp.resolve("src"), 10);
        for (int i = 0; i < 10; i += 2) {
            Path f = dir.resolve("d" + (i % 4)).resolve(String.format("f%03d.txt", i));
            S3.client().putObject(b -> b.bucket(S3.bucket()).key("up/" + dir.relativize(f)), RequestBody.fromFile(f));
        }
        String url = kind.url(tmp, pg, "ledger");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            // few unknown files: one HEAD each
            SyncReport r = uploader(ledger).upload(config(url, dir));
            assertThat(r.files().uploaded()).isEqualTo(5);
            assertThat(r.files().skipped()).isEqualTo(5);
            assertThat(r.work().headRequests()).isEqualTo(10);
            assertThat(r.work().listRequests()).isZero();
            assertThat(counter.putKeys).hasSize(5).allSatisfy(k -> assertThat(k).matches(".*f00[13579]\\.txt"));
            assertThat(ledger.status(project).uploaded()).isEqualTo(10);
            assertLedgerMatchesStore(ledger, project, S3.client(), dir);
        }
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void manyUnknownFilesAreMatchedWithOneListing(Ledgers kind) {
        Path dir = files(tmp.resolve("src"), 10);
        for (int i = 0; i < 6; i++) {
            Path f = dir.resolve("d" + (i % 4)).resolve(String.format("f%03d.txt", i));
            S3.client().putObject(b -> b.bucket(S3.bucket()).key("up/" + dir.relativize(f)), RequestBody.fromFile(f));
        }
        String url = kind.url(tmp, pg, "ledger");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            SyncReport r = SyncUploader.builder(ledger, s3).listThreshold(5).build().upload(config(url, dir));
            assertThat(r.files().foundInStore()).isEqualTo(6);
            assertThat(r.files().uploaded()).isEqualTo(4);
            assertThat(r.work().listRequests()).isEqualTo(1);
            assertThat(r.work().headRequests()).isZero();
            assertThat(counter.count("PutObject")).isEqualTo(4);
            assertLedgerMatchesStore(ledger, project, S3.client(), dir);
        }
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void checkRemoteUploadsWhatTheStoreLost(Ledgers kind) {
        Path dir = files(tmp.resolve("src"), 8);
        String url = kind.url(tmp, pg, "ledger");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            uploader(ledger).upload(config(url, dir));
            S3.client().deleteObject(b -> b.bucket(S3.bucket()).key("up/d3/f003.txt"));
            counter.reset();
            assertThat(uploader(ledger).upload(config(url, dir)).files().uploaded()).as("the ledger alone trusts itself")
                    .isZero();
            SyncReport r = uploader(ledger).upload(config(url, dir).withChecks(false, true));
            assertThat(r.work().listRequests()).isGreaterThanOrEqualTo(1);
            assertThat(r.files().uploaded()).isEqualTo(1);
            assertThat(counter.putKeys).containsExactly("up/d3/f003.txt");
            assertLedgerMatchesStore(ledger, project, S3.client(), dir);
        }
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void verifyChecksumsFindsContentChangedWithSameSizeAndMtime(Ledgers kind) throws Exception {
        Path dir = files(tmp.resolve("src"), 6);
        String url = kind.url(tmp, pg, "ledger");
        Path f = dir.resolve("d2/f002.txt");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            uploader(ledger).upload(config(url, dir));
            FileTime mtime = Files.getLastModifiedTime(f);
            String old = Files.readString(f);
            Files.writeString(f, old.replace('f', 'g'));
            Files.setLastModifiedTime(f, mtime);
            counter.reset();
            assertThat(uploader(ledger).upload(config(url, dir)).files().uploaded()).isZero();
            SyncReport r = uploader(ledger).upload(config(url, dir).withChecks(true, false));
            assertThat(r.files().uploaded()).isEqualTo(1);
            assertThat(r.files().changed()).isEqualTo(1);
            assertThat(counter.putKeys).containsExactly("up/d2/f002.txt");
            assertLedgerMatchesStore(ledger, project, S3.client(), dir);
        }
    }

    /**
     * Issue 17: {@code café} in NFC and in NFD map to one key; one file's content was lost, every re-run flipped which
     * one was stored, and the report said all uploaded. Both fail naming the other (exit 3 on the command line), the
     * ledger records the key as failed with the reason, re-runs and retries upload neither.
     */
    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void twoLocalFilesOneKeyBothFailNamingEachOtherAndReRunsDoNotFlip(Ledgers kind) throws Exception {
        Path dir = files(tmp.resolve("src"), 3);
        String nfc = java.text.Normalizer.normalize("caf\u00e9.txt", java.text.Normalizer.Form.NFC);
        String nfd = java.text.Normalizer.normalize(nfc, java.text.Normalizer.Form.NFD);
        Files.writeString(dir.resolve(nfc), "the NFC file");
        Files.writeString(dir.resolve(nfd), "the NFD file, another content");
        org.junit.jupiter.api.Assumptions.assumeTrue(SyncFixtures.relativePaths(dir).size() == 5,
                "this file system keeps NFC and NFD names apart (not so on macOS APFS/HFS+)");
        String url = kind.url(tmp, pg, "ledger");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            for (int run = 1; run <= 3; run++) {
                SyncReport r = uploader(ledger).upload(config(url, dir));
                assertThat(r.files().failed()).as("run %d", run).isEqualTo(2);
                assertThat(r.files().total()).isEqualTo(5);
                assertThat(r.status()).isEqualTo(SessionStatus.PARTIAL);
                assertThat(r.failures()).hasSize(2).allSatisfy(f -> {
                    assertThat(f.key()).isEqualTo("up/" + nfc);
                    assertThat(f.reason()).contains("'caf\\u00E9.txt' (NFC)").contains("'cafe\\u0301.txt' (not NFC)")
                            .contains("neither was uploaded").contains("rename one of them");
                });
                assertThat(r.failures()).extracting(f -> f.path()).containsExactlyInAnyOrder(nfc, nfd);
                assertThat(objects(S3.client(), S3.bucket(), "up/")).doesNotContainKey("up/" + nfc)
                        .hasSize(3);
                ProjectStatus st = ledger.status(project);
                assertThat(st.uploaded()).isEqualTo(3);
                assertThat(st.failed()).isEqualTo(1);
                assertThat(st.failures()).singleElement().satisfies(ff -> assertThat(ff.reason())
                        .startsWith("key collision: ").contains("map to the key up/" + nfc));
            }
            assertThat(counter.putKeys).doesNotContain("up/" + nfc);
            SyncReport retry = uploader(ledger).retry(SyncConfig.defaults().withProject(project, url)
                    .withSource(dir).withTarget(S3.bucket(), "up").withRetries(2, Duration.ofMillis(1)), null);
            assertThat(retry.files().uploaded()).isZero();
            assertThat(objects(S3.client(), S3.bucket(), "up/")).doesNotContainKey("up/" + nfc);
            // renaming one of them resolves it: both are uploaded by the next run
            Files.move(dir.resolve(nfd), dir.resolve("cafe-nfd.txt"));
            SyncReport fixed = uploader(ledger).upload(config(url, dir));
            assertThat(fixed.files().failed()).isZero();
            assertThat(fixed.files().uploaded()).isEqualTo(2);
            assertThat(ledger.status(project).failed()).isZero();
            assertLedgerMatchesStore(ledger, project, S3.client(), dir);
        }
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void failedFilesAreRecordedWithReasonsAndRetried(Ledgers kind) {
        Path dir = files(tmp.resolve("src"), 10);
        String url = kind.url(tmp, pg, "ledger");
        counter.failSuffixes.addAll(Set.of("f003.txt", "f007.txt"));
        try (SyncLedger ledger = SyncLedger.open(url)) {
            SyncReport r = uploader(ledger).upload(config(url, dir));
            assertThat(r.files().failed()).isEqualTo(2);
            assertThat(r.status()).isEqualTo(SessionStatus.PARTIAL);
            ProjectStatus st = ledger.status(project);
            assertThat(st.uploaded()).isEqualTo(8);
            assertThat(st.failed()).isEqualTo(2);
            assertThat(st.failures()).extracting(FailedFile::path)
                    .containsExactlyInAnyOrder("d3/f003.txt", "d3/f007.txt");
            assertThat(st.failures()).allSatisfy(ff -> assertThat(ff.reason()).contains("injected failure"));
            assertThat(ledger.session(r.sessionId()).status()).isEqualTo(SessionStatus.PARTIAL);

            counter.failSuffixes.clear();
            counter.reset();
            SyncReport retry = uploader(ledger).retry(SyncConfig.defaults().withProject(project, url)
                    .withRetries(3, Duration.ofMillis(10)), r.sessionId());
            assertThat(retry.kind()).isEqualTo(SessionKind.RETRY);
            assertThat(retry.files().uploaded()).isEqualTo(2);
            assertThat(retry.files().failed()).isZero();
            assertThat(counter.putKeys).containsExactlyInAnyOrder("up/d3/f003.txt", "up/d3/f007.txt");
            assertThat(ledger.status(project).failed()).isZero();
            assertLedgerMatchesStore(ledger, project, S3.client(), dir);
        }
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void aFileOverTheAttemptLimitStaysFailedWithItsLastError(Ledgers kind) {
        Path dir = files(tmp.resolve("src"), 4);
        String url = kind.url(tmp, pg, "ledger");
        counter.failSuffixes.add("f001.txt");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            uploader(ledger).upload(config(url, dir));
            SyncReport retry = uploader(ledger).retry(SyncConfig.defaults().withProject(project, url)
                    .withRetries(3, Duration.ofMillis(10)), null);
            assertThat(retry.work().rounds()).isEqualTo(2);   // attempts 2 and 3; the first was the upload
            assertThat(retry.files().failed()).isEqualTo(2);
            List<FailedFile> failed = ledger.status(project).failures();
            assertThat(failed).singleElement().satisfies(ff -> {
                assertThat(ff.path()).isEqualTo("d1/f001.txt");
                assertThat(ff.attempts()).isEqualTo(3);
                assertThat(ff.reason()).contains("injected failure");
            });
            SyncReport again = uploader(ledger).retry(SyncConfig.defaults().withProject(project, url)
                    .withRetries(3, Duration.ofMillis(10)), null);
            assertThat(again.work().rounds()).as("no attempts left").isZero();
            assertThat(ledger.status(project).failed()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void configHistoryShowsWhatChanged(Ledgers kind) {
        Path dir = files(tmp.resolve("src"), 3);
        String url = kind.url(tmp, pg, "ledger");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            uploader(ledger).upload(config(url, dir));
            uploader(ledger).upload(config(url, dir));
            uploader(ledger).upload(config(url, dir).withWorkers(7));
            List<ConfigChange> h = ledger.configHistory(project, 10);
            assertThat(h).hasSize(3);
            assertThat(h.get(0).changedKeys()).containsExactly("workers");
            assertThat(h.get(0).config()).contains("\"workers\":7");
            assertThat(h.get(1).changedKeys()).isEmpty();
            assertThat(h.get(2).changedKeys()).contains("bucket", "project", "workers");
        }
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void theSelectionComesFromTheConfigAndIsRecorded(Ledgers kind) {
        Path dir = files(tmp.resolve("src"), 8);
        String url = kind.url(tmp, pg, "ledger");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            SyncReport r = uploader(ledger).upload(config(url, dir)
                    .withSelection(List.of(), List.of("d1/**", "d2/**"), List.of("TXT")));
            assertThat(r.files().uploaded()).isEqualTo(4);
            assertThat(counter.putKeys).allSatisfy(k -> assertThat(k).matches("up/d[03]/.*"));
            List<ConfigChange> h = ledger.configHistory(project, 10);
            assertThat(h.get(0).config()).contains("\"exclude\":[\"d1/**\",\"d2/**\"]")
                    .contains("\"ext\":[\"txt\"]");
            SyncReport all = uploader(ledger).upload(config(url, dir));
            assertThat(all.files().uploaded()).isEqualTo(4);
            assertThat(ledger.configHistory(project, 10).get(0).changedKeys()).containsExactly("exclude", "ext");
        }
    }

    /** A download's temporary file in the source folder is ignored by the walk: not uploaded, not failed. */
    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void aDownloadTemporaryInTheSourceIsNeitherUploadedNorFailed(Ledgers kind) throws Exception {
        Path dir = files(tmp.resolve("src"), 2);
        Files.writeString(dir.resolve("d1/.part.txt.stowage-part-00ff"), "left by an interrupted download");
        String url = kind.url(tmp, pg, "ledger");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            SyncReport r = uploader(ledger).upload(config(url, dir));
            assertThat(r.files().total()).isEqualTo(2);
            assertThat(r.files().uploaded()).isEqualTo(2);
            assertThat(r.files().failed()).isZero();
            assertThat(r.failures()).isEmpty();
            assertThat(r.status()).isEqualTo(SessionStatus.COMPLETED);
            assertThat(counter.putKeys).noneMatch(k -> k.contains("stowage-part"));
            assertThat(ledger.status(project).failed()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void anNfdFileNameIsUploadedUnderItsNfcKeyAndSkippedNextTime(Ledgers kind) throws Exception {
        Path dir = files(tmp.resolve("src"), 2);
        Files.writeString(dir.resolve("d1/Cafe\u0301.txt"), "a name in NFD");
        String url = kind.url(tmp, pg, "ledger");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            SyncReport first = uploader(ledger).upload(config(url, dir));
            assertThat(first.files().uploaded()).isEqualTo(3);
            assertThat(first.files().failed()).isZero();
            assertThat(counter.putKeys).contains("up/d1/Caf\u00e9.txt");
            counter.reset();
            SyncReport second = uploader(ledger).upload(config(url, dir));
            assertThat(second.files().unchanged()).isEqualTo(3);
            assertThat(counter.total()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void aProjectKeepsItsTarget(Ledgers kind) {
        Path dir = files(tmp.resolve("src"), 2);
        String url = kind.url(tmp, pg, "ledger");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            uploader(ledger).upload(config(url, dir));
            counter.reset();
            assertThatThrownBy(() -> uploader(ledger).upload(config(url, dir).withTarget(S3.bucket(), "elsewhere")))
                    .isInstanceOf(SyncConfigException.class)
                    .hasMessageContaining("uploads to s3://" + S3.bucket() + "/up/")
                    .hasMessageContaining("another project name");
            assertThat(counter.total()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void aMissingSourceFolderFailsBeforeAnythingIsRecorded(Ledgers kind) {
        String url = kind.url(tmp, pg, "ledger");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            assertThatThrownBy(() -> uploader(ledger).upload(config(url, tmp.resolve("nope"))))
                    .isInstanceOf(SyncConfigException.class).hasMessageContaining("does not exist");
            assertThat(ledger.projects()).doesNotContain(project);
            assertThat(counter.total()).isZero();
        }
    }

    @Test
    void aSqliteLedgerTakesOneProcessAtATime() throws Exception {
        Path dir = files(tmp.resolve("src"), 2);
        String url = tmp.resolve("busy.db").toString();
        // another upload holds the ledger's OS lock (<ledger>.lock)
        try (SyncLedger ledger = SyncLedger.open(url);
             FileChannel lockFile = FileChannel.open(tmp.resolve("busy.db.lock"), StandardOpenOption.CREATE,
                     StandardOpenOption.WRITE);
             FileLock held = lockFile.lock()) {
            assertThatThrownBy(() -> uploader(ledger).upload(config(url, dir)))
                    .isInstanceOf(SyncLedgerBusyException.class)
                    .hasMessageContaining("in use by another upload")
                    .hasMessageContaining("PostgreSQL");
            assertThat(counter.total()).isZero();
        }
    }

    /** Issue 17: the lock was taken on the path as typed, so a symlink alias of the ledger ran beside it. */
    @Test
    void aSymlinkAliasOfALockedSqliteLedgerIsBusyToo() throws Exception {
        Path dir = files(tmp.resolve("src"), 3);
        Path real = tmp.resolve("real.db");
        Path aliases = Files.createDirectories(tmp.resolve("aliases"));
        try (SyncLedger l = SyncLedger.open(real.toString())) {
            assertThat(l.schemaVersion()).isEqualTo(1);
        }
        Path fileLink = Files.createSymbolicLink(aliases.resolve("alias.db"), real);
        Path folderLink = Files.createSymbolicLink(tmp.resolve("linked-folder"), tmp);
        try (FileChannel lockFile = FileChannel.open(tmp.resolve("real.db.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock held = lockFile.lock()) {
            for (String alias : List.of(fileLink.toString(), folderLink.resolve("real.db").toString(),
                    tmp.resolve("aliases/../real.db").toString())) {
                try (SyncLedger ledger = SyncLedger.open(alias)) {
                    assertThatThrownBy(() -> uploader(ledger).upload(config(alias, dir)))
                            .as("upload through %s", alias)
                            .isInstanceOf(SyncLedgerBusyException.class)
                            .hasMessageContaining("in use by another upload");
                }
            }
            assertThat(counter.total()).isZero();
        }
        assertThat(aliases.resolve("alias.db.lock")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void statusOfAnUnknownProjectIsAnError(Ledgers kind) {
        String url = kind.url(tmp, pg, "ledger");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            assertThatThrownBy(() -> ledger.status("no-such-project"))
                    .isInstanceOf(SyncProjectNotFoundException.class)
                    .hasMessageContaining("no project 'no-such-project'")
                    .satisfies(e -> assertThat(((SyncProjectNotFoundException) e).project()).isEqualTo("no-such-project"));
            assertThatThrownBy(() -> ledger.session(987654321L)).isInstanceOf(SyncSessionNotFoundException.class);
        }
    }

    @Test
    void statusReportsFailuresAndSessions() {
        Path dir = files(tmp.resolve("src"), 5);
        String url = tmp.resolve("s.db").toString();
        counter.failSuffixes.add("f004.txt");
        try (SyncLedger ledger = SyncLedger.open(url)) {
            SyncReport r = uploader(ledger).upload(config(url, dir));
            ProjectStatus st = ledger.status(project);
            assertThat(st.lastSession().id()).isEqualTo(r.sessionId());
            assertThat(st.lastSession().filesFailed()).isEqualTo(1);
            assertThat(st.lastSession().filesUploaded()).isEqualTo(4);
            assertThat(st.lastSession().config()).contains("\"project\":\"" + project + "\"");
            assertThat(ledger.failures(project, r.sessionId(), 10)).hasSize(1);
            assertThat(Map.of("u", st.uploaded(), "f", st.failed())).containsEntry("u", 4L).containsEntry("f", 1L);
        }
    }
}
