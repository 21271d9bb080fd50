package io.stowage.des.ingest;

import java.util.List;

/**
 * What one {@link CrashRecovery#run()} found and did (with {@code dryRun}: would do). {@code actions} has one line per
 * change, e.g. {@code "container 12 (2025-01-15/shard_07.des): uploaded, 100 rows marked packed"}.
 * {@code orphansDeleted}: archives found under the keys of discarded containers (a stalled packer's late upload whose
 * writer died before it could delete it) and deleted.
 */
public record RecoveryReport(int expiredLocks, int staleClaims, int containersFinished, int containersDiscarded,
                             int containersAdopted, int uploadsAborted, int integrityOk, int integrityProblems,
                             int orphansDeleted, boolean dryRun, List<String> actions) {
    public RecoveryReport {
        actions = List.copyOf(actions);
    }
}
