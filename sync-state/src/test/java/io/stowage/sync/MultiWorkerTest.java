package io.stowage.sync;

import io.stowage.testing.core.WireLog;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.PgSchemaExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.stowage.sync.SyncFixtures.assertLedgerMatchesStore;
import static io.stowage.sync.SyncFixtures.files;
import static io.stowage.sync.SyncFixtures.objects;
import static io.stowage.sync.SyncFixtures.relativePaths;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several real {@code stowage}-worker processes sharing one PostgreSQL ledger and one project split the files by
 * claiming batches: no file is uploaded twice and none is missed; a worker killed with {@code kill -9} loses its
 * claims to the others once they time out. Objects are counted on the wire ({@link WireLog}), on both S3 paths.
 */
class MultiWorkerTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @RegisterExtension
    static final PgSchemaExtension pg = PgSchemaExtension.of(() -> TestSchemas.create("multi"));

    @TempDir
    Path tmp;

    private static Set<String> expectedKeys(Path dir) {
        Set<String> expected = new TreeSet<>();
        relativePaths(dir).forEach(rel -> expected.add("up/" + rel));
        return expected;
    }

    @ParameterizedTest
    @EnumSource(S3Path.class)
    void threeWorkersShareTheFilesAndNoneIsUploadedTwice(S3Path path) throws Exception {
        Path dir = files(tmp.resolve("src"), 150);
        String project = "multi-" + UUID.randomUUID().toString().substring(0, 8);
        try (WireLog wire = new WireLog(S3.endpoint(), S3.bucket()).delay(20)) {
            List<Process> workers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                workers.add(ResumeAfterKillTest.worker(path, wire.endpoint(), pg.url(), project, dir, S3.bucket(),
                        5000, 2, 10, tmp.resolve("worker-" + i + ".out")));
            }
            int busy = 0;
            for (int i = 0; i < workers.size(); i++) {
                Path out = tmp.resolve("worker-" + i + ".out");
                ResumeAfterKillTest.assertFinished(workers.get(i), path, out);
                String report = Files.readString(out);
                busy += report.contains("uploaded=0 ") ? 0 : 1;
            }
            List<String> puts = wire.stored();
            assertThat(puts).as("objects stored over all workers, on the wire").doesNotHaveDuplicates();
            assertThat(new TreeSet<>(puts)).isEqualTo(expectedKeys(dir));
            assertThat(busy).as("workers that uploaded something").isGreaterThanOrEqualTo(2);
        }
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

    @ParameterizedTest
    @EnumSource(S3Path.class)
    void aKilledWorkersClaimsReturnToTheOthers(S3Path path) throws Exception {
        Path dir = files(tmp.resolve("src"), 60);
        String project = "multi-kill-" + UUID.randomUUID().toString().substring(0, 8);
        try (WireLog wire = new WireLog(S3.endpoint(), S3.bucket()).delay(200)) {
            Process victim = ResumeAfterKillTest.worker(path, wire.endpoint(), pg.url(), project, dir, S3.bucket(),
                    1000, 2, 20, tmp.resolve("victim.out"));
            boolean four = wire.awaitStored(4, Duration.ofSeconds(60), victim);
            assertThat(four && victim.isAlive()).as("the victim is uploading (output: %s)",
                    Files.readString(tmp.resolve("victim.out"))).isTrue();
            victim.destroyForcibly();
            assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(wire.awaitIdle(Duration.ofSeconds(30))).isTrue();
            // every object the store took from the victim, even one it answered after the kill
            List<String> sentByVictim = wire.stored();

            wire.delay(0);
            Process survivor = ResumeAfterKillTest.worker(path, wire.endpoint(), pg.url(), project, dir, S3.bucket(),
                    1000, 4, 20, tmp.resolve("survivor.out"));
            ResumeAfterKillTest.assertFinished(survivor, path, tmp.resolve("survivor.out"));
            List<String> sentBySurvivor = wire.stored().subList(sentByVictim.size(), wire.stored().size());
            assertThat(sentBySurvivor).doesNotHaveDuplicates().doesNotContainAnyElementsOf(sentByVictim);
            Set<String> all = new TreeSet<>(sentByVictim);
            all.addAll(sentBySurvivor);
            assertThat(all).isEqualTo(expectedKeys(dir));
        }
        try (SyncLedger ledger = SyncLedger.open(pg.url())) {
            assertThat(ledger.status(project).uploaded()).isEqualTo(60);
            assertLedgerMatchesStore(ledger, project, S3.client(), dir);
        }
    }
}
