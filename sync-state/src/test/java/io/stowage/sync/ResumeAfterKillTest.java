package io.stowage.sync;

import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.PgSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.stowage.sync.SyncFixtures.assertLedgerMatchesStore;
import static io.stowage.sync.SyncFixtures.files;
import static io.stowage.sync.SyncFixtures.md5;
import static io.stowage.sync.SyncFixtures.objects;
import static io.stowage.sync.SyncFixtures.relativePaths;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of a real upload process in the middle, then the same upload again: every file ends up uploaded
 * exactly once in the ledger and the store, and no file that was complete in the store before the crash is sent
 * again (PUTs counted by the second run's client).
 */
class ResumeAfterKillTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    static PgSchema pg;

    @TempDir
    Path tmp;

    @BeforeAll
    static void schema() {
        pg = PgSchema.create("resume");
    }

    @AfterAll
    static void dropSchema() {
        pg.close();
    }

    static Process worker(java.net.URI endpoint, String state, String project, Path dir, String bucket, Path putLog,
                          long putDelayMs,
                          long claimTimeoutMs, int workers, int claimBatch, Path output) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                UploadWorkerMain.class.getName(), state, project, dir.toString(), endpoint.toString(), bucket,
                "up", putLog.toString(), Long.toString(putDelayMs), Long.toString(claimTimeoutMs),
                Integer.toString(workers), Integer.toString(claimBatch))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    static long lines(Path f) throws Exception {
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    @ParameterizedTest
    @EnumSource(Ledgers.class)
    void killMinus9ThenRerunFinishesWithoutSendingCompleteFilesAgain(Ledgers kind) throws Exception {
        Path dir = files(tmp.resolve("src"), 60);
        String state = kind.url(tmp, pg, "ledger");
        String project = "kill-" + UUID.randomUUID().toString().substring(0, 8);
        Path log1 = tmp.resolve("puts-1.log");
        Process p = worker(S3.endpoint(), state, project, dir, S3.bucket(), log1, 150, 1000, 3, 8, tmp.resolve("worker-1.out"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lines(log1) < 12 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(p.isAlive()).as("the worker is still uploading (output: %s)",
                Files.readString(tmp.resolve("worker-1.out"))).isTrue();
        p.destroyForcibly();   // SIGKILL on Linux: no shutdown hook, no flush
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.nanoTime();

        // what the store holds completely now (content equal to the local file)
        Set<String> storedBefore = new TreeSet<>();
        for (Map.Entry<String, S3Object> e : objects(S3.client(), S3.bucket(), "up/").entrySet()) {
            Path local = dir.resolve(e.getKey().substring(3));
            if (e.getValue().eTag().replace("\"", "").equalsIgnoreCase(md5(local))) {
                storedBefore.add(e.getKey());
            }
        }
        assertThat(storedBefore).hasSizeGreaterThanOrEqualTo(12).hasSizeLessThan(60);

        CountingS3 counter = new CountingS3(null, 0);
        try (SyncLedger ledger = SyncLedger.open(state);
             var s3 = CountingS3.client(S3.endpoint(), counter)) {
            SyncReport r = SyncUploader.builder(ledger, s3).build().upload(SyncConfig.defaults()
                    .withProject(project, state).withSource(dir).withTarget(S3.bucket(), "up").withWorkers(4)
                    .withClaims(Duration.ofMillis(1000), 8));
            assertThat(r.isComplete()).as("report %s", r).isTrue();
            Set<String> putAgain = new HashSet<>(counter.putKeys);
            assertThat(putAgain).as("keys sent twice").doesNotContainAnyElementsOf(storedBefore);
            assertThat(counter.putKeys).as("each sent once in the re-run").doesNotHaveDuplicates();
            Set<String> all = new TreeSet<>(storedBefore);
            all.addAll(putAgain);
            Set<String> expected = new TreeSet<>();
            relativePaths(dir).forEach(rel -> expected.add("up/" + rel));
            assertThat(all).isEqualTo(expected);

            ProjectStatus st = ledger.status(project);
            assertThat(st.uploaded()).isEqualTo(60);
            assertThat(st.pending() + st.uploading() + st.failed()).isZero();
            assertLedgerMatchesStore(ledger, project, S3.client(), dir);
            // a session without a heartbeat for 3 claim timeouts (at least 3 s) shows as interrupted
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            if (waited < 3_500) {
                Thread.sleep(3_500 - waited);
            }
            List<SessionInfo> sessions = ledger.sessions(project, 10);
            assertThat(sessions).hasSize(2);
            assertThat(sessions.get(0).status()).isEqualTo(SessionStatus.COMPLETED);
            assertThat(sessions.get(1).status()).as("the killed session").isEqualTo(SessionStatus.INTERRUPTED);
        }
    }
}
