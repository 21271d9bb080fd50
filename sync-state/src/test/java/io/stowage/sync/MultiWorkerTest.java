package io.stowage.sync;

import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.PgSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.stowage.sync.ResumeAfterKillTest.lines;
import static io.stowage.sync.SyncFixtures.assertLedgerMatchesStore;
import static io.stowage.sync.SyncFixtures.files;
import static io.stowage.sync.SyncFixtures.objects;
import static io.stowage.sync.SyncFixtures.relativePaths;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several real {@code stowage}-worker processes sharing one PostgreSQL ledger and one project split the files by
 * claiming batches: no file is uploaded twice and none is missed; a worker killed with {@code kill -9} loses its
 * claims to the others once they time out.
 */
class MultiWorkerTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    static PgSchema pg;

    @TempDir
    Path tmp;

    @BeforeAll
    static void schema() {
        pg = PgSchema.create("multi");
    }

    @AfterAll
    static void dropSchema() {
        pg.close();
    }

    private static Set<String> expectedKeys(Path dir) {
        Set<String> expected = new TreeSet<>();
        relativePaths(dir).forEach(rel -> expected.add("up/" + rel));
        return expected;
    }

    @Test
    void threeWorkersShareTheFilesAndNoneIsUploadedTwice() throws Exception {
        Path dir = files(tmp.resolve("src"), 150);
        String project = "multi-" + UUID.randomUUID().toString().substring(0, 8);
        List<Process> workers = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path log = tmp.resolve("puts-" + i + ".log");
            logs.add(log);
            workers.add(ResumeAfterKillTest.worker(S3.endpoint(), pg.url(), project, dir, S3.bucket(), log, 20, 5000, 2, 10,
                    tmp.resolve("worker-" + i + ".out")));
        }
        for (int i = 0; i < workers.size(); i++) {
            assertThat(workers.get(i).waitFor(120, TimeUnit.SECONDS)).as("worker %d finished", i).isTrue();
            assertThat(workers.get(i).exitValue()).as("worker %d exit code; output:%n%s", i,
                    Files.readString(tmp.resolve("worker-" + i + ".out"))).isZero();
        }
        List<String> puts = new ArrayList<>();
        int busy = 0;
        for (Path log : logs) {
            List<String> mine = Files.exists(log) ? Files.readAllLines(log) : List.of();
            puts.addAll(mine);
            busy += mine.isEmpty() ? 0 : 1;
        }
        assertThat(puts).as("PUTs over all workers").doesNotHaveDuplicates();
        assertThat(new TreeSet<>(puts)).isEqualTo(expectedKeys(dir));
        assertThat(busy).as("workers that uploaded something").isGreaterThanOrEqualTo(2);
        assertThat(objects(S3.client(), S3.bucket(), "up/")).hasSize(150);
        try (SyncLedger ledger = SyncLedger.open(pg.url())) {
            ProjectStatus st = ledger.status(project);
            assertThat(st.uploaded()).isEqualTo(150);
            assertThat(st.pending() + st.uploading() + st.failed()).isZero();
            assertThat(ledger.db().files().rows(ledger.project(project).id())).allSatisfy(r ->
                    assertThat(r.attempts()).as("attempts of %s", r.path()).isEqualTo(1));
            assertThat(ledger.sessions(project, 10)).hasSize(3)
                    .allSatisfy(s -> assertThat(s.status()).isEqualTo(SessionStatus.COMPLETED));
            assertLedgerMatchesStore(ledger, project, S3.client(), dir);
        }
    }

    @Test
    void aKilledWorkersClaimsReturnToTheOthers() throws Exception {
        Path dir = files(tmp.resolve("src"), 60);
        String project = "multi-kill-" + UUID.randomUUID().toString().substring(0, 8);
        Path log0 = tmp.resolve("puts-0.log");
        Process victim = ResumeAfterKillTest.worker(S3.endpoint(), pg.url(), project, dir, S3.bucket(), log0, 200, 1000, 2, 20,
                tmp.resolve("victim.out"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lines(log0) < 4 && victim.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(victim.isAlive()).isTrue();
        victim.destroyForcibly();
        assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Set<String> sentByVictim = new TreeSet<>(Files.readAllLines(log0));

        Path log1 = tmp.resolve("puts-1.log");
        Process survivor = ResumeAfterKillTest.worker(S3.endpoint(), pg.url(), project, dir, S3.bucket(), log1, 0, 1000, 4, 20,
                tmp.resolve("survivor.out"));
        assertThat(survivor.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(survivor.exitValue()).as(Files.readString(tmp.resolve("survivor.out"))).isZero();
        List<String> sentBySurvivor = Files.readAllLines(log1);
        assertThat(sentBySurvivor).doesNotHaveDuplicates().doesNotContainAnyElementsOf(sentByVictim);
        Set<String> all = new TreeSet<>(sentByVictim);
        all.addAll(sentBySurvivor);
        assertThat(all).isEqualTo(expectedKeys(dir));
        try (SyncLedger ledger = SyncLedger.open(pg.url())) {
            assertThat(ledger.status(project).uploaded()).isEqualTo(60);
            assertLedgerMatchesStore(ledger, project, S3.client(), dir);
        }
    }
}
