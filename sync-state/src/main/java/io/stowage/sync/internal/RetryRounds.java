package io.stowage.sync.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * The rounds of a retry session: each round sets the failed files with attempts left back to pending and uploads
 * them; rounds repeat while files fail, with pauses doubling from {@code retry_backoff_s} (at most 5 minutes), up
 * to {@code max_attempts} rounds. Used on the session's thread only.
 */
final class RetryRounds {
    private static final Logger LOG = LoggerFactory.getLogger(RetryRounds.class);
    private static final Duration MAX_PAUSE = Duration.ofMinutes(5);

    private final SyncRun run;
    private final List<Long> sessionFilter;

    /** @param sessionFilter only the files of these sessions, or {@code null} for the project's */
    RetryRounds(SyncRun run, List<Long> sessionFilter) {
        this.run = run;
        this.sessionFilter = sessionFilter;
    }

    void run() {
        int maxAttempts = run.config.maxAttempts();
        Duration pause = run.config.retryBackoff();
        for (int round = 1; round <= maxAttempts && !run.cancelled(); round++) {
            int n = run.db.files().requeueFailed(run.project.id(), maxAttempts, sessionFilter);
            if (n == 0) {
                break;
            }
            if (round > 1) {
                LOG.info("retry round {}: {} file(s), after {} ms", round, n, pause.toMillis());
                sleep(pause);
                pause = pause.multipliedBy(2);
                if (pause.compareTo(MAX_PAUSE) > 0) {
                    pause = MAX_PAUSE;
                }
            } else {
                LOG.info("retry round 1: {} file(s)", n);
            }
            run.counters.totalFiles += n;
            run.owner.uploadClaimed(run, sessionFilter);
        }
    }

    private void sleep(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (!run.cancelled() && System.nanoTime() < end) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                run.owner.cancel();
            }
        }
    }
}
