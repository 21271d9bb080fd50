package io.stowage.sync;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Typed option values for {@link SyncConfigLoader#load(Path, Map, SyncOverrides)}: what a caller (the command line)
 * sets on top of the config file and the environment. Each {@code withX} names one {@link SyncConfig} key, so a
 * misspelt key is a compile error; {@code null} means "not given" (the file, the environment or the default holds).
 * Values are checked by the loader exactly as the same values in an options map would be.
 *
 * <pre>{@code
 * SyncConfig c = SyncConfigLoader.load(null, System.getenv(), SyncOverrides.none()
 *         .withState("ledger.db").withProject("photos").withClaimTimeout(Duration.ofMinutes(5)));
 * }</pre>
 *
 * <p>Immutable and thread-safe: each {@code withX} returns a copy.
 */
public final class SyncOverrides {
    private static final SyncOverrides NONE = new SyncOverrides(new EnumMap<>(ConfigKey.class));

    private final Map<ConfigKey, Object> values;

    private SyncOverrides(EnumMap<ConfigKey, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** No overrides. */
    public static SyncOverrides none() {
        return NONE;
    }

    /** The values given, in key order (not {@code null}). */
    Map<ConfigKey, Object> values() {
        return values;
    }

    private SyncOverrides with(ConfigKey k, Object v) {
        EnumMap<ConfigKey, Object> m = values.isEmpty() ? new EnumMap<>(ConfigKey.class) : new EnumMap<>(values);
        if (v == null) {
            m.remove(k);
        } else {
            m.put(k, v);
        }
        return new SyncOverrides(m);
    }

    /** The ledger URL ({@code state}). */
    public SyncOverrides withState(String state) {
        return with(ConfigKey.STATE, state);
    }

    /** The project name. */
    public SyncOverrides withProject(String project) {
        return with(ConfigKey.PROJECT, project);
    }

    /** The local folder ({@code source}). */
    public SyncOverrides withSource(Path source) {
        return with(ConfigKey.SOURCE, source);
    }

    /** The bucket. */
    public SyncOverrides withBucket(String bucket) {
        return with(ConfigKey.BUCKET, bucket);
    }

    /** The key prefix. */
    public SyncOverrides withPrefix(String prefix) {
        return with(ConfigKey.PREFIX, prefix);
    }

    /** The S3 endpoint. */
    public SyncOverrides withEndpoint(String endpoint) {
        return with(ConfigKey.ENDPOINT, endpoint);
    }

    /** The S3 region. */
    public SyncOverrides withRegion(String region) {
        return with(ConfigKey.REGION, region);
    }

    /** Include globs ({@code include}); an empty list is "not given". */
    public SyncOverrides withInclude(List<String> include) {
        return with(ConfigKey.INCLUDE, include == null || include.isEmpty() ? null : List.copyOf(include));
    }

    /** Exclude globs ({@code exclude}); an empty list is "not given". */
    public SyncOverrides withExclude(List<String> exclude) {
        return with(ConfigKey.EXCLUDE, exclude == null || exclude.isEmpty() ? null : List.copyOf(exclude));
    }

    /** File extensions ({@code ext}); an empty list is "not given". */
    public SyncOverrides withExtensions(List<String> extensions) {
        return with(ConfigKey.EXT, extensions == null || extensions.isEmpty() ? null : List.copyOf(extensions));
    }

    /** Parallel uploads ({@code workers}). */
    public SyncOverrides withWorkers(Integer workers) {
        return with(ConfigKey.WORKERS, workers);
    }

    /** Compare checksums of unchanged files ({@code verify_checksums}). */
    public SyncOverrides withVerifyChecksums(Boolean verifyChecksums) {
        return with(ConfigKey.VERIFY_CHECKSUMS, verifyChecksums);
    }

    /** List the store to confirm unchanged files ({@code check_remote}). */
    public SyncOverrides withCheckRemote(Boolean checkRemote) {
        return with(ConfigKey.CHECK_REMOTE, checkRemote);
    }

    /** How long a claim holds ({@code claim_timeout_s}). */
    public SyncOverrides withClaimTimeout(Duration claimTimeout) {
        return with(ConfigKey.CLAIM_TIMEOUT_S, claimTimeout);
    }

    /** Attempts per file ({@code max_attempts}). */
    public SyncOverrides withMaxAttempts(Integer maxAttempts) {
        return with(ConfigKey.MAX_ATTEMPTS, maxAttempts);
    }

    /** The pause between retry rounds ({@code retry_backoff_s}). */
    public SyncOverrides withRetryBackoff(Duration retryBackoff) {
        return with(ConfigKey.RETRY_BACKOFF_S, retryBackoff);
    }

    /** The trigger URL as given (checked like the same text in a file: {@code trigger_url}). */
    public SyncOverrides withTriggerUrl(String triggerUrl) {
        return with(ConfigKey.TRIGGER_URL, triggerUrl);
    }

    /** The trigger's timeout per attempt ({@code trigger_timeout_s}). */
    public SyncOverrides withTriggerTimeout(Duration triggerTimeout) {
        return with(ConfigKey.TRIGGER_TIMEOUT_S, triggerTimeout);
    }

    /** Trigger attempts ({@code trigger_attempts}). */
    public SyncOverrides withTriggerAttempts(Integer triggerAttempts) {
        return with(ConfigKey.TRIGGER_ATTEMPTS, triggerAttempts);
    }

    @Override
    public String toString() {
        return "SyncOverrides" + values;
    }
}
