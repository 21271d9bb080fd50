package io.stowage.sync;

import io.stowage.sync.internal.LedgerDb;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The one table of {@link SyncConfig}'s keys: the name in files, environment ({@code STOWAGE_SYNC_<NAME>}) and the
 * ledger's config history, the value type, how a parsed value sets a {@link SyncConfig.Draft}, and the value as
 * recorded (the state URL without its password, the folder absolute, durations in seconds). The loader, the recorded
 * JSON and the config-history diff all go through it, so a new key is one line here and one record component.
 */
enum ConfigKey {
    PROJECT("project", Type.STRING, SyncConfig::project, (d, v) -> d.project = blankToNull(v)),
    STATE("state", Type.STRING, c -> c.state() == null ? null : LedgerDb.redact(c.state()),
            (d, v) -> d.state = blankToNull(v)),
    SOURCE("source", Type.STRING, c -> c.source() == null ? null : c.source().toAbsolutePath().normalize().toString(),
            (d, v) -> d.source = blankToNull(v) == null ? null : Path.of((String) v)),
    BUCKET("bucket", Type.STRING, SyncConfig::bucket, (d, v) -> d.bucket = blankToNull(v)),
    PREFIX("prefix", Type.STRING, SyncConfig::prefix, (d, v) -> d.prefix = v == null ? "" : (String) v),
    ENDPOINT("endpoint", Type.STRING, SyncConfig::endpoint, (d, v) -> d.endpoint = blankToNull(v)),
    REGION("region", Type.STRING, SyncConfig::region, (d, v) -> d.region = blankToNull(v)),
    INCLUDE("include", Type.LIST, SyncConfig::include, (d, v) -> d.include = list(v)),
    EXCLUDE("exclude", Type.LIST, SyncConfig::exclude, (d, v) -> d.exclude = list(v)),
    EXT("ext", Type.LIST, SyncConfig::extensions, (d, v) -> d.extensions = list(v)),
    WORKERS("workers", Type.INT, SyncConfig::workers,
            (d, v) -> d.workers = v == null ? SyncConfig.DEFAULTS.workers() : (Integer) v),
    VERIFY_CHECKSUMS("verify_checksums", Type.BOOL, SyncConfig::verifyChecksums,
            (d, v) -> d.verifyChecksums = v != null && (Boolean) v),
    CHECK_REMOTE("check_remote", Type.BOOL, SyncConfig::checkRemote, (d, v) -> d.checkRemote = v != null && (Boolean) v),
    CLAIM_TIMEOUT_S("claim_timeout_s", Type.SECONDS, c -> seconds(c.claimTimeout()),
            (d, v) -> d.claimTimeout = duration("claim_timeout_s", v, SyncConfig.DEFAULTS.claimTimeout())),
    CLAIM_BATCH("claim_batch", Type.INT, SyncConfig::claimBatch,
            (d, v) -> d.claimBatch = v == null ? SyncConfig.DEFAULTS.claimBatch() : (Integer) v),
    MAX_ATTEMPTS("max_attempts", Type.INT, SyncConfig::maxAttempts,
            (d, v) -> d.maxAttempts = v == null ? SyncConfig.DEFAULTS.maxAttempts() : (Integer) v),
    RETRY_BACKOFF_S("retry_backoff_s", Type.SECONDS, c -> seconds(c.retryBackoff()),
            (d, v) -> d.retryBackoff = duration("retry_backoff_s", v, SyncConfig.DEFAULTS.retryBackoff())),
    TRIGGER_URL("trigger_url", Type.STRING, c -> c.triggerUrl() == null ? null : c.triggerUrl().toString(),
            (d, v) -> d.triggerUrl = uri(v)),
    TRIGGER_TIMEOUT_S("trigger_timeout_s", Type.SECONDS, c -> seconds(c.triggerTimeout()),
            (d, v) -> d.triggerTimeout = duration("trigger_timeout_s", v, SyncConfig.DEFAULTS.triggerTimeout())),
    TRIGGER_ATTEMPTS("trigger_attempts", Type.INT, SyncConfig::triggerAttempts,
            (d, v) -> d.triggerAttempts = v == null ? SyncConfig.DEFAULTS.triggerAttempts() : (Integer) v);

    /** How a key's value is written in a file and parsed from text. */
    enum Type {
        /** A JSON string. */
        STRING,
        /** A JSON integer. */
        INT,
        /** {@code true}/{@code false} ({@code 1/0}, {@code yes/no} in text). */
        BOOL,
        /** A JSON number of seconds (fractions allowed). */
        SECONDS,
        /** A JSON array of strings; in text, comma-separated (commas inside {@code {...}} belong to the glob). */
        LIST
    }

    private final String json;
    private final Type type;
    private final Function<SyncConfig, Object> recorded;
    private final BiConsumer<SyncConfig.Draft, Object> setter;

    ConfigKey(String json, Type type, Function<SyncConfig, Object> recorded,
              BiConsumer<SyncConfig.Draft, Object> setter) {
        this.json = json;
        this.type = type;
        this.recorded = recorded;
        this.setter = setter;
    }

    /** The name in files, the environment (upper case) and the config history. */
    String json() {
        return json;
    }

    Type type() {
        return type;
    }

    /** The value as the ledger records it: a String, Integer, Boolean, Double (seconds), List or {@code null}. */
    Object recorded(SyncConfig c) {
        return recorded.apply(c);
    }

    /** Sets a parsed value ({@code null}: back to the default). */
    void set(SyncConfig.Draft d, Object value) {
        setter.accept(d, value);
    }

    /** The key named {@code json}, or {@code null}. */
    static ConfigKey of(String json) {
        for (ConfigKey k : values()) {
            if (k.json.equals(json)) {
                return k;
            }
        }
        return null;
    }

    static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static String blankToNull(Object v) {
        String s = (String) v;
        return s == null || s.isBlank() ? null : s;
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Object v) {
        return v == null ? List.of() : (List<String>) v;
    }

    private static Duration duration(String key, Object v, Duration def) {
        if (v == null) {
            return def;
        }
        double s = (Double) v;
        if (s < 0 || s > 1e6) {
            throw new SyncConfigException(key + " " + s + " is outside 0..1000000 s", key);
        }
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    private static URI uri(Object v) {
        String s = blankToNull(v);
        if (s == null) {
            return null;
        }
        try {
            return URI.create(s.strip());
        } catch (IllegalArgumentException e) {
            throw new SyncConfigException("trigger_url '" + s + "' is not a URL: " + e.getMessage(), "trigger_url");
        }
    }
}
