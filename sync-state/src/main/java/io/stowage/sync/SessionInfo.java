package io.stowage.sync;

import java.time.Instant;

/**
 * One recorded upload or retry session of a project.
 *
 * <p>{@code ledger.sessions("photos", 10).forEach(s -> System.out.println(s.id() + " " + s.status()));}
 *
 * <p>Immutable and thread-safe.
 *
 * @param id            session id
 * @param project       project name
 * @param bucket        the project's bucket
 * @param prefix        the project's prefix
 * @param kind          {@code upload} or {@code retry}
 * @param worker        the process that ran it ({@code host/pid/random})
 * @param source        the local folder
 * @param status        running, ended (completed, partial, cancelled, failed) or interrupted (its process died)
 * @param startedAt     start
 * @param endedAt       end, or {@code null} while running
 * @param totalFiles    files this session looked at
 * @param filesUploaded files it uploaded
 * @param filesSkipped  files it skipped (unchanged in the ledger or already in the store)
 * @param filesFailed   files that failed in it
 * @param bytesUploaded bytes it uploaded
 * @param bytesSkipped  bytes of skipped files
 * @param config        the effective configuration, JSON ({@link #recordedConfig()} reads it back)
 * @param error         why the session failed, or {@code null}
 * @param trigger       the trigger outcome, or {@code null} if none was sent
 */
public record SessionInfo(long id, String project, String bucket, String prefix, SessionKind kind, String worker,
                          String source, SessionStatus status, Instant startedAt, Instant endedAt, long totalFiles,
                          long filesUploaded, long filesSkipped, long filesFailed, long bytesUploaded,
                          long bytesSkipped, String config, String error, TriggerReport trigger) {
    /**
     * The configuration this session ran with, read back from {@link #config()} (keys missing from older entries,
     * or no recorded configuration at all, take their defaults; the state URL is the recorded one, without its
     * password).
     *
     * @throws SyncConfigException if the recorded text is not a configuration
     */
    public SyncConfig recordedConfig() {
        return config == null ? SyncConfig.defaults() : SyncConfigLoader.fromJson(config);
    }
}
