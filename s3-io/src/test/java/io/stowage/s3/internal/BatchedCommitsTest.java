package io.stowage.s3.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class BatchedCommitsTest {

    /**
     * syncfs on {@code dir}'s file system; {@code dir} comes from {@link SupportingFolders#syncfs} (the test's folder,
     * or another on a file system with syncfs), so the test is skipped, saying why, only where no file system has it.
     */
    static SyncFs syncFs(Path dir) {
        java.util.Optional<SyncFs> fs = SyncFs.open(dir);
        assumeThat(fs).as("syncfs is used on " + dir + " (Linux 5.8+, a local file system)").isPresent();
        return fs.get();
    }

    static Path temp(Path dir, String name, String content) throws IOException {
        return Files.writeString(dir.resolve("." + name + ".part"), content);
    }

    @Test
    void syncFsCoversItsOwnFileSystemOnly(@TempDir Path tempDir) throws IOException {
        Path dir = SupportingFolders.syncfs(tempDir);
        try (SyncFs fs = syncFs(dir)) {
            Path sub = Files.createDirectories(dir.resolve("a/b"));
            assertThat(fs.covers(sub)).isTrue();
            assertThat(fs.covers(Path.of("/proc/self"))).isFalse();   // procfs: another file system
            fs.sync();
        }
    }

    @Test
    void syncfsIsUsedFromLinux58OnWhoseSyncfsReportsWriteErrors() {
        assertThat(SyncFs.reportsErrors("6.18.44-fc-v782")).isTrue();
        assertThat(SyncFs.reportsErrors("5.8.0")).isTrue();
        assertThat(SyncFs.reportsErrors("5.10.0-28-amd64")).isTrue();
        assertThat(SyncFs.reportsErrors("5.7.19")).isFalse();
        assertThat(SyncFs.reportsErrors("4.19.0-27-amd64")).isFalse();
        assertThat(SyncFs.reportsErrors("")).isFalse();
    }

    @Test
    void filesFromManyThreadsAreRenamedInFewBatchesEachReportedOnce(@TempDir Path tempDir) throws Exception {
        Path dir = SupportingFolders.syncfs(tempDir);
        int n = 500;
        Map<String, AtomicInteger> committed = new ConcurrentHashMap<>();
        List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        BatchedCommits commits = new BatchedCommits(syncFs(dir), 100, 1L << 40, Duration.ofSeconds(30), 1000);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = "f" + i;
                fs.add(pool.submit(() -> {
                    Path t = temp(dir, name, "content " + name);
                    commits.submit(t, dir.resolve(name), 10, () -> {
                        if (!Files.isRegularFile(dir.resolve(name))) {
                            failed.add(name + " was reported before it had its name");
                        }
                        committed.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                    }, failed::add);
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            commits.flush();
            assertThat(failed).isEmpty();
            assertThat(committed).hasSize(n);
            assertThat(committed.values()).allMatch(c -> c.get() == 1);
            // a batch closes at 100 files (it may take a few more that came meanwhile), the last one at the flush
            assertThat(commits.syncs()).isBetween(1L, 5L);
            try (var s = Files.list(dir)) {
                assertThat(s.map(p -> p.getFileName().toString())).hasSize(n).noneMatch(f -> f.endsWith(".part"));
            }
        } finally {
            pool.shutdownNow();
            commits.close();
        }
    }

    @Test
    void closedCommitsCommitWhatTheyHoldAndRefuseMoreSoTheCallerKeepsItsFile(@TempDir Path tempDir) throws Exception {
        Path dir = SupportingFolders.syncfs(tempDir);
        List<String> committed = java.util.Collections.synchronizedList(new ArrayList<>());
        BatchedCommits commits = new BatchedCommits(syncFs(dir), 4096, 1L << 30, Duration.ofSeconds(30), 100);
        assertThat(commits.submit(temp(dir, "held", "h"), dir.resolve("held"), 1, () -> committed.add("held"),
                r -> { })).isTrue();
        commits.close();   // no flush: close commits what is queued
        assertThat(committed).containsExactly("held");
        assertThat(dir.resolve("held")).hasContent("h");
        Path late = temp(dir, "late", "l");
        assertThat(commits.submit(late, dir.resolve("late"), 1, () -> committed.add("late"), r -> { })).isFalse();
        assertThat(late).exists();   // still the caller's
        assertThat(committed).containsExactly("held");
    }

    @Test
    void aCallbackThatThrowsAnErrorDoesNotStopTheOthers(@TempDir Path tempDir) throws Exception {
        Path dir = SupportingFolders.syncfs(tempDir);
        List<String> committed = java.util.Collections.synchronizedList(new ArrayList<>());
        try (BatchedCommits commits = new BatchedCommits(syncFs(dir), 4096, 1L << 30, Duration.ofSeconds(30), 100)) {
            commits.submit(temp(dir, "a", "a"), dir.resolve("a"), 1, () -> {
                throw new AssertionError("a listener's bug");
            }, r -> { });
            commits.submit(temp(dir, "b", "b"), dir.resolve("b"), 1, () -> committed.add("b"), r -> { });
            commits.flush();
            commits.submit(temp(dir, "c", "c"), dir.resolve("c"), 1, () -> committed.add("c"), r -> { });
            commits.flush();   // the thread is still there
        }
        assertThat(committed).containsExactly("b", "c");
        assertThat(dir.resolve("a")).hasContent("a");
    }

    @Test
    void aLoneFileIsCommittedAfterTheLingerWithoutAFlush(@TempDir Path tempDir) throws Exception {
        Path dir = SupportingFolders.syncfs(tempDir);
        CountDownLatch done = new CountDownLatch(1);
        try (BatchedCommits commits = new BatchedCommits(syncFs(dir), 4096, 1L << 30, Duration.ofMillis(20), 100)) {
            commits.submit(temp(dir, "one", "1"), dir.resolve("one"), 1, done::countDown, r -> { });
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(dir.resolve("one")).hasContent("1");
        }
    }

    @Test
    void aFailedRenameFailsThatFileAloneAndDeletesItsTemporaryFile(@TempDir Path tempDir) throws Exception {
        Path dir = SupportingFolders.syncfs(tempDir);
        Files.writeString(dir.resolve("blocker"), "a regular file where a folder would be needed");
        List<String> failed = new ArrayList<>();
        List<String> committed = new ArrayList<>();
        Path bad = temp(dir, "bad", "x");
        try (BatchedCommits commits = new BatchedCommits(syncFs(dir), 4096, 1L << 30, Duration.ofSeconds(30), 100)) {
            commits.submit(temp(dir, "good", "g"), dir.resolve("good"), 1, () -> committed.add("good"), failed::add);
            commits.submit(bad, dir.resolve("blocker/bad"), 1, () -> committed.add("bad"), failed::add);
            commits.flush();
        }
        assertThat(committed).containsExactly("good");
        assertThat(failed).singleElement().asString().contains("cannot rename").contains("blocker");
        assertThat(bad).doesNotExist();
        assertThat(dir.resolve("good")).hasContent("g");
    }

    @Test
    void whenTheSyncFailsEachFileIsFsyncedAloneAndAMissingOneFailsAlone(@TempDir Path tempDir) throws Exception {
        Path dir = SupportingFolders.syncfs(tempDir);
        SyncFs fs = syncFs(dir);
        fs.close();   // its sync() now fails: the batch falls back to one fsync per file
        List<String> failed = new ArrayList<>();
        List<String> committed = new ArrayList<>();
        Path gone = temp(dir, "gone", "x");
        try (BatchedCommits commits = new BatchedCommits(fs, 4096, 1L << 30, Duration.ofSeconds(30), 100)) {
            commits.submit(temp(dir, "kept", "k"), dir.resolve("kept"), 1, () -> committed.add("kept"), failed::add);
            commits.submit(gone, dir.resolve("gone"), 1, () -> committed.add("gone"), failed::add);
            Files.delete(gone);   // removed behind the committer's back
            commits.flush();
        }
        assertThat(committed).containsExactly("kept");
        assertThat(failed).singleElement().asString().contains("cannot fsync").contains(".gone.part");
        assertThat(dir.resolve("kept")).hasContent("k");
        assertThat(dir.resolve("gone")).doesNotExist();
    }
}
