package io.stowage.sync.internal;

import dev.failsafe.Execution;
import dev.failsafe.RetryPolicy;
import io.stowage.s3.RetrySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * The rounds of a retry session: each round sets the failed files with attempts left back to pending and uploads
 * them. Rounds repeat while files fail, up to {@code max_attempts} rounds, with pauses doubling from
 * {@code retry_backoff_s} (at most 5 minutes): the attempt limit and the pauses are a Failsafe policy from s3-io's
 * {@link RetrySettings} (retrying a round whose result is "some files failed"), run as a standalone execution so the
 * pause can end at once on cancel. Used on the session's thread only.
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

    /** The policy of the rounds: retry a round that left failed files, as often and as patiently as configured. */
    static RetryPolicy<Long> policy(int maxAttempts, Duration backoff) {
        RetrySettings settings = new RetrySettings(maxAttempts, backoff,
                backoff.compareTo(MAX_PAUSE) > 0 ? backoff : MAX_PAUSE);
        return RetryPolicy.builder(settings.<Long>policy(e -> false).getConfig())
                .handleResultIf(failed -> failed > 0).build();
    }

    void run() {
        int maxAttempts = run.config.maxAttempts();
        Execution<Long> rounds = Execution.of(policy(maxAttempts, run.config.retryBackoff()));
        Duration pause = null;   // what the policy asks before the next round
        for (int round = 1; !run.cancelled(); round++) {
            int n = run.db.files().requeueFailed(run.project.id(), maxAttempts, sessionFilter);
            if (n == 0) {
                break;
            }
            if (pause != null) {
                LOG.info("retry round {}: {} file(s), after {} ms", round, n, pause.toMillis());
                pause(pause);
            } else {
                LOG.info("retry round 1: {} file(s)", n);
            }
            run.counters.totalFiles += n;
            long failedBefore = run.counters.failed;
            run.owner.uploadClaimed(run, sessionFilter);
            rounds.recordResult(run.counters.failed - failedBefore);
            if (rounds.isComplete()) {
                break;
            }
            pause = rounds.getDelay();
        }
    }

    /** Sleeps {@code d}, waking at once on cancel. */
    private void pause(Duration d) {
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
