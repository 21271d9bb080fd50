package io.stowage.sync;

import io.stowage.testing.core.WireLog;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.PgSchemaExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.stowage.sync.SyncFixtures.assertLedgerMatchesStore;
import static io.stowage.sync.SyncFixtures.files;
import static io.stowage.sync.SyncFixtures.md5;
import static io.stowage.sync.SyncFixtures.objects;
import static io.stowage.sync.SyncFixtures.relativePaths;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of a real upload process in the middle, then the same upload again: every file ends up uploaded
 * exactly once in the ledger and the store, and no file that was complete in the store before the crash is sent
 * again. Objects are counted on the wire ({@link WireLog}, in this process), on both S3 paths and both ledgers.
 */
class ResumeAfterKillTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @RegisterExtension
    static final PgSchemaExtension pg = PgSchemaExtension.of(() -> TestSchemas.create("resume"));

    @TempDir
    Path tmp;

    /** All four crash runs: each ledger kind on each S3 path. */
    static Stream<Arguments> ledgersAndPaths() {
        return Stream.of(Ledgers.values()).flatMap(l -> Stream.of(S3Path.values()).map(p -> Arguments.of(l, p)));
    }

    /** Starts a worker process on {@code path}, talking to {@code endpoint} (a {@link WireLog}). */
    static Process worker(S3Path path, URI endpoint, String state, String project, Path dir, String bucket,
                          long claimTimeoutMs, int workers, int claimBatch, Path output) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, path.jvmOption(), "-cp", System.getProperty("java.class.path"),
                UploadWorkerMain.class.getName(), state, project, dir.toString(), endpoint.toString(), bucket,
                "up", Long.toString(claimTimeoutMs), Integer.toString(workers), Integer.toString(claimBatch))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** Waits for {@code p} and checks it finished with exit 0 on the path it was meant to take. */
    static void assertFinished(Process p, S3Path path, Path output) throws Exception {
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("worker finished").isTrue();
        String out = Files.readString(output);
        assertThat(p.exitValue()).as("exit code; output:%n%s", out).isZero();
        assertThat(out).as("the S3 path taken").contains(path.printed());
    }

    @ParameterizedTest
    @MethodSource("ledgersAndPaths")
    void killMinus9ThenRerunFinishesWithoutSendingCompleteFilesAgain(Ledgers kind, S3Path path) throws Exception {
        Path dir = files(tmp.resolve("src"), 60);
        String state = kind.url(tmp, pg, "ledger");
        String project = "kill-" + UUID.randomUUID().toString().substring(0, 8);
        try (WireLog wire = new WireLog(S3.endpoint(), S3.bucket()).delay(150)) {
            Process p = worker(path, wire.endpoint(), state, project, dir, S3.bucket(), 1000, 3, 8,
                    tmp.resolve("worker-1.out"));
            boolean twelve = wire.awaitStored(12, Duration.ofSeconds(60), p);
            assertThat(twelve && p.isAlive()).as("the worker is still uploading after 12 objects (output: %s)",
                    Files.readString(tmp.resolve("worker-1.out"))).isTrue();
            p.destroyForcibly();   // SIGKILL on Linux: no shutdown hook, no flush
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(wire.awaitIdle(Duration.ofSeconds(30))).as("requests of the killed worker settled").isTrue();
            assertThat(Files.readString(tmp.resolve("worker-1.out"))).contains(path.printed());

            // what the store holds completely now, as the wire saw it answered (and its content equals the file)
            List<String> before = wire.stored();
            Set<String> storedBefore = new TreeSet<>(before);
            assertThat(before).doesNotHaveDuplicates();
            Map<String, S3Object> objects = objects(S3.client(), S3.bucket(), "up/");
            assertThat(objects.keySet()).isEqualTo(storedBefore);
            storedBefore.forEach(k -> assertThat(objects.get(k).eTag().replace("\"", ""))
                    .isEqualToIgnoringCase(md5(dir.resolve(k.substring(3)))));
            assertThat(storedBefore).hasSizeGreaterThanOrEqualTo(12).hasSizeLessThan(60);

            // the same command again
            wire.delay(0);
            Process again = worker(path, wire.endpoint(), state, project, dir, S3.bucket(), 1000, 4, 8,
                    tmp.resolve("worker-2.out"));
            assertFinished(again, path, tmp.resolve("worker-2.out"));
            List<String> putAgain = wire.stored().subList(before.size(), wire.stored().size());
            assertThat(putAgain).as("keys sent twice").doesNotContainAnyElementsOf(storedBefore);
            assertThat(putAgain).as("each sent once in the re-run").doesNotHaveDuplicates();
            Set<String> all = new TreeSet<>(storedBefore);
            all.addAll(putAgain);
            Set<String> expected = new TreeSet<>();
            relativePaths(dir).forEach(rel -> expected.add("up/" + rel));
            assertThat(all).isEqualTo(expected);

            try (SyncLedger ledger = SyncLedger.open(state)) {
                ProjectStatus st = ledger.status(project);
                assertThat(st.uploaded()).isEqualTo(60);
                assertThat(st.pending() + st.uploading() + st.failed()).isZero();
                assertLedgerMatchesStore(ledger, project, S3.client(), dir);
                // a session without a heartbeat for 3 claim timeouts (at least 3 s) shows as interrupted: polled
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                List<SessionInfo> sessions = ledger.sessions(project, 10);
                while (sessions.get(1).status() != SessionStatus.INTERRUPTED && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    sessions = ledger.sessions(project, 10);
                }
                assertThat(sessions).hasSize(2);
                assertThat(sessions.get(0).status()).isEqualTo(SessionStatus.COMPLETED);
                assertThat(sessions.get(1).status()).as("the killed session").isEqualTo(SessionStatus.INTERRUPTED);
            }
        }
    }
}
