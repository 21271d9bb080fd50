package io.stowage.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.sync.internal.Json;
import io.stowage.sync.internal.LedgerDb;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The effective configuration of a ledgered upload: a JSON config file, then environment variables
 * ({@code STOWAGE_SYNC_<KEY>}, e.g. {@code STOWAGE_SYNC_TRIGGER_URL}), then command-line options, merged in that
 * order (later wins) and validated: an unknown key, a value of the wrong type and a missing bucket are
 * {@link SyncConfigException}s that name the key, the value and where it came from.
 *
 * <pre>{@code
 * // stowage-sync.json: {"project": "photos", "state": "jdbc:postgresql://db/stowage?user=up", "bucket": "media",
 * //                     "prefix": "day1", "workers": 32, "trigger_url": "http://hooks.local/done"}
 * SyncConfig c = SyncConfig.load(Path.of("stowage-sync.json"), System.getenv(), Map.of("source", "/mnt/photos"));
 * c.requireUploadable();
 * }</pre>
 *
 * <p>Keys (JSON name, type, default): {@code project} string; {@code state} string (file path, jdbc:sqlite:PATH or
 * jdbc:postgresql://...); {@code source} string (the folder); {@code bucket}, {@code prefix} strings;
 * {@code endpoint}, {@code region} strings; {@code workers} integer 16; {@code verify_checksums} boolean false;
 * {@code check_remote} boolean false; {@code claim_timeout_s} number 60; {@code claim_batch} integer 256;
 * {@code max_attempts} integer 5; {@code retry_backoff_s} number 1; {@code trigger_url} string;
 * {@code trigger_timeout_s} number 10; {@code trigger_attempts} integer 3.
 *
 * <p>Immutable and thread-safe; {@code withX} return validated copies.
 *
 * @param project         project name (letters, digits, {@code . _ - /}, 1..200 characters)
 * @param state           the ledger URL, or {@code null}
 * @param source          the local folder, or {@code null}
 * @param bucket          the bucket, or {@code null}
 * @param prefix          the key prefix ({@code ""} for the bucket's root)
 * @param endpoint        S3 endpoint URL, or {@code null} for AWS / {@code STOWAGE_S3_ENDPOINT}
 * @param region          signing region, or {@code null}
 * @param workers         files uploaded at once (1..1024)
 * @param verifyChecksums also compare the file's MD5 with the ledger's before skipping it (reads every file)
 * @param checkRemote     list the prefix and upload again what the store lacks, although the ledger has it
 * @param claimTimeout    a claim not renewed for this long returns to the pool (a crashed worker's files)
 * @param claimBatch      files claimed per round trip (1..100,000)
 * @param maxAttempts     attempts per file before {@code sync retry} gives up on it (1..100)
 * @param retryBackoff    pause before the second retry round; doubles per round
 * @param triggerUrl      where the session summary is POSTed at the end, or {@code null}
 * @param triggerTimeout  timeout of one trigger request
 * @param triggerAttempts trigger requests before giving up (1..20)
 */
public record SyncConfig(String project, String state, Path source, String bucket, String prefix, String endpoint,
                         String region, int workers, boolean verifyChecksums, boolean checkRemote,
                         Duration claimTimeout, int claimBatch, int maxAttempts, Duration retryBackoff,
                         URI triggerUrl, Duration triggerTimeout, int triggerAttempts) {

    /** Prefix of the environment variables read by {@link #load}. */
    public static final String ENV_PREFIX = "STOWAGE_SYNC_";
    private static final Pattern PROJECT_NAME = Pattern.compile("[A-Za-z0-9._/-]{1,200}");

    private enum Type { STRING, INT, BOOL, SECONDS }

    private static final Map<String, Type> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("project", Type.STRING);
        KEYS.put("state", Type.STRING);
        KEYS.put("source", Type.STRING);
        KEYS.put("bucket", Type.STRING);
        KEYS.put("prefix", Type.STRING);
        KEYS.put("endpoint", Type.STRING);
        KEYS.put("region", Type.STRING);
        KEYS.put("workers", Type.INT);
        KEYS.put("verify_checksums", Type.BOOL);
        KEYS.put("check_remote", Type.BOOL);
        KEYS.put("claim_timeout_s", Type.SECONDS);
        KEYS.put("claim_batch", Type.INT);
        KEYS.put("max_attempts", Type.INT);
        KEYS.put("retry_backoff_s", Type.SECONDS);
        KEYS.put("trigger_url", Type.STRING);
        KEYS.put("trigger_timeout_s", Type.SECONDS);
        KEYS.put("trigger_attempts", Type.INT);
    }

    public SyncConfig {
        prefix = prefix == null ? "" : prefix;
        Objects.requireNonNull(claimTimeout, "claimTimeout");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        Objects.requireNonNull(triggerTimeout, "triggerTimeout");
        if (project != null && !PROJECT_NAME.matcher(project).matches()) {
            throw new SyncConfigException("project name '" + project + "' is not valid: use 1..200 letters, digits, "
                    + "'.', '_', '-' or '/'", "project");
        }
        range("workers", workers, 1, 1024);
        range("claim_batch", claimBatch, 1, 100_000);
        range("max_attempts", maxAttempts, 1, 100);
        range("trigger_attempts", triggerAttempts, 1, 20);
        if (claimTimeout.toMillis() < 100 || claimTimeout.compareTo(Duration.ofDays(1)) > 0) {
            throw new SyncConfigException("claim_timeout_s " + seconds(claimTimeout) + " is outside 0.1..86400 s",
                    "claim_timeout_s");
        }
        if (retryBackoff.isNegative() || retryBackoff.compareTo(Duration.ofHours(1)) > 0) {
            throw new SyncConfigException("retry_backoff_s " + seconds(retryBackoff) + " is outside 0..3600 s",
                    "retry_backoff_s");
        }
        if (triggerTimeout.toMillis() < 1 || triggerTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new SyncConfigException("trigger_timeout_s " + seconds(triggerTimeout) + " is outside 0.001..600 s",
                    "trigger_timeout_s");
        }
        if (triggerUrl != null) {
            String scheme = triggerUrl.getScheme() == null ? "" : triggerUrl.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || triggerUrl.getHost() == null) {
                throw new SyncConfigException("trigger_url " + triggerUrl + " is not an http(s) URL with a host",
                        "trigger_url");
            }
        }
        if (bucket != null && (bucket.length() < 3 || bucket.length() > 63)) {
            throw new SyncConfigException("bucket '" + bucket + "' must have 3 to 63 characters", "bucket");
        }
    }

    private static void range(String key, int v, int min, int max) {
        if (v < min || v > max) {
            throw new SyncConfigException(key + " " + v + " is outside " + min + ".." + max, key);
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** Everything unset: 16 workers, 60 s claims of 256 files, 5 attempts, 1 s backoff, 10 s x 3 trigger. */
    public static SyncConfig defaults() {
        return new SyncConfig(null, null, null, null, "", null, null, 16, false, false, Duration.ofSeconds(60), 256,
                5, Duration.ofSeconds(1), null, Duration.ofSeconds(10), 3);
    }

    /** The known keys, in documentation order. */
    public static List<String> keys() {
        return List.copyOf(KEYS.keySet());
    }

    /**
     * Merges a JSON config file (may be {@code null}), the environment ({@code STOWAGE_SYNC_*} variables; others
     * are ignored) and {@code options} (keys as in the file; values strings, numbers, booleans or {@code null} for
     * "not given"), in that order.
     *
     * @throws SyncConfigException for a missing or unreadable file, bad JSON, an unknown key or a wrong type
     */
    public static SyncConfig load(Path configFile, Map<String, String> env, Map<String, ?> options) {
        Map<String, Object> merged = new LinkedHashMap<>();
        if (configFile != null) {
            fromFile(configFile, merged);
        }
        if (env != null) {
            for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
                if (!e.getKey().startsWith(ENV_PREFIX)) {
                    continue;
                }
                String key = e.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
                Type t = KEYS.get(key);
                String where = "environment variable " + e.getKey();
                if (t == null) {
                    throw unknown(key, where, e.getKey());
                }
                merged.put(key, parseText(key, t, e.getValue(), where));
            }
        }
        if (options != null) {
            for (Map.Entry<String, ?> e : options.entrySet()) {
                if (e.getValue() == null) {
                    continue;
                }
                Type t = KEYS.get(e.getKey());
                String where = "option " + e.getKey();
                if (t == null) {
                    throw unknown(e.getKey(), where, e.getKey());
                }
                Object v = e.getValue();
                merged.put(e.getKey(), v instanceof String s ? parseText(e.getKey(), t, s, where)
                        : check(e.getKey(), t, v, where));
            }
        }
        return fromMap(merged);
    }

    private static SyncConfigException unknown(String key, String where, String shown) {
        return new SyncConfigException(where + ": unknown key '" + shown + "'; known keys: "
                + String.join(", ", KEYS.keySet()), key);
    }

    private static void fromFile(Path file, Map<String, Object> merged) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new SyncConfigException("config file " + file + " does not exist", "config");
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new SyncConfigException("config file " + file + " is not valid JSON: " + msg, "config", e);
        }
        if (root == null || !root.isObject()) {
            throw new SyncConfigException("config file " + file + " must hold one JSON object, e.g. "
                    + "{\"project\": \"photos\", \"bucket\": \"media\"}", "config");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            Type t = KEYS.get(key);
            String where = "config file " + file;
            if (t == null) {
                throw unknown(key, where, key);
            }
            JsonNode n = e.getValue();
            if (n.isNull()) {
                merged.remove(key);
                continue;
            }
            Object v;
            switch (t) {
                case STRING:
                    if (!n.isTextual()) {
                        throw wrongType(key, "a string", n.toString(), where);
                    }
                    v = n.asText();
                    break;
                case INT:
                    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                        throw wrongType(key, "an integer", n.toString(), where);
                    }
                    v = n.asInt();
                    break;
                case BOOL:
                    if (!n.isBoolean()) {
                        throw wrongType(key, "true or false", n.toString(), where);
                    }
                    v = n.asBoolean();
                    break;
                default:
                    if (!n.isNumber()) {
                        throw wrongType(key, "a number of seconds", n.toString(), where);
                    }
                    v = n.asDouble();
                    break;
            }
            merged.put(key, v);
        }
    }

    private static SyncConfigException wrongType(String key, String expected, String value, String where) {
        return new SyncConfigException(where + ": '" + key + "' must be " + expected + ", got " + value, key);
    }

    private static Object parseText(String key, Type t, String s, String where) {
        String v = s.strip();
        switch (t) {
            case STRING:
                return s;
            case INT:
                try {
                    return Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw wrongType(key, "an integer", "'" + s + "'", where);
                }
            case BOOL:
                if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")) {
                    return true;
                }
                if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("no")) {
                    return false;
                }
                throw wrongType(key, "true or false", "'" + s + "'", where);
            default:
                try {
                    double d = Double.parseDouble(v);
                    if (Double.isNaN(d) || Double.isInfinite(d)) {
                        throw new NumberFormatException();
                    }
                    return d;
                } catch (NumberFormatException e) {
                    throw wrongType(key, "a number of seconds", "'" + s + "'", where);
                }
        }
    }

    private static Object check(String key, Type t, Object v, String where) {
        switch (t) {
            case STRING:
                if (v instanceof Path p) {
                    return p.toString();
                }
                if (v instanceof URI u) {
                    return u.toString();
                }
                if (!(v instanceof String)) {
                    throw wrongType(key, "a string", String.valueOf(v), where);
                }
                return v;
            case INT:
                if (!(v instanceof Integer)) {
                    throw wrongType(key, "an integer", String.valueOf(v), where);
                }
                return v;
            case BOOL:
                if (!(v instanceof Boolean)) {
                    throw wrongType(key, "true or false", String.valueOf(v), where);
                }
                return v;
            default:
                if (v instanceof Duration d) {
                    return d.toNanos() / 1e9;
                }
                if (!(v instanceof Number)) {
                    throw wrongType(key, "a number of seconds", String.valueOf(v), where);
                }
                return ((Number) v).doubleValue();
        }
    }

    private static SyncConfig fromMap(Map<String, Object> m) {
        SyncConfig d = defaults();
        String trigger = (String) m.get("trigger_url");
        URI triggerUri = null;
        if (trigger != null && !trigger.isBlank()) {
            try {
                triggerUri = URI.create(trigger.strip());
            } catch (IllegalArgumentException e) {
                throw new SyncConfigException("trigger_url '" + trigger + "' is not a URL: " + e.getMessage(),
                        "trigger_url");
            }
        }
        String source = (String) m.get("source");
        return new SyncConfig(blankToNull((String) m.get("project")), blankToNull((String) m.get("state")),
                source == null || source.isBlank() ? null : Path.of(source),
                blankToNull((String) m.get("bucket")), (String) m.getOrDefault("prefix", ""),
                blankToNull((String) m.get("endpoint")), blankToNull((String) m.get("region")),
                (Integer) m.getOrDefault("workers", d.workers()),
                (Boolean) m.getOrDefault("verify_checksums", false), (Boolean) m.getOrDefault("check_remote", false),
                dur(m, "claim_timeout_s", d.claimTimeout()), (Integer) m.getOrDefault("claim_batch", d.claimBatch()),
                (Integer) m.getOrDefault("max_attempts", d.maxAttempts()),
                dur(m, "retry_backoff_s", d.retryBackoff()), triggerUri,
                dur(m, "trigger_timeout_s", d.triggerTimeout()),
                (Integer) m.getOrDefault("trigger_attempts", d.triggerAttempts()));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Duration dur(Map<String, Object> m, String key, Duration def) {
        Object v = m.get(key);
        if (v == null) {
            return def;
        }
        double s = (Double) v;
        if (s < 0 || s > 1e6) {
            throw new SyncConfigException(key + " " + s + " is outside 0..1000000 s", key);
        }
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    /**
     * Checks what an upload needs before anything is written: a project, a ledger, a bucket and an existing source
     * folder.
     *
     * @throws SyncConfigException naming the first missing or bad value
     */
    public SyncConfig requireUploadable() {
        requireLedger();
        if (bucket == null) {
            throw new SyncConfigException("no bucket: give s3://BUCKET/PREFIX, \"bucket\" in the config file or "
                    + ENV_PREFIX + "BUCKET", "bucket");
        }
        if (source == null) {
            throw new SyncConfigException("no source folder: give DIR, \"source\" in the config file or "
                    + ENV_PREFIX + "SOURCE", "source");
        }
        if (!Files.isDirectory(source)) {
            throw new SyncConfigException("source folder " + source + (Files.exists(source) ? " is not a folder"
                    : " does not exist") + "; check \"source\" (or DIR)", "source");
        }
        return this;
    }

    /**
     * Checks that a project and a ledger are named ({@code --project} needs {@code --state}).
     *
     * @throws SyncConfigException naming the missing value
     */
    public SyncConfig requireLedger() {
        if (state == null) {
            throw new SyncConfigException(project == null ? "no ledger: give --state URL (a file path, "
                    + "jdbc:sqlite:PATH or jdbc:postgresql://HOST/DB) and --project NAME"
                    : "--project " + project + " needs --state URL (a file path, jdbc:sqlite:PATH or "
                    + "jdbc:postgresql://HOST/DB): the project lives in that ledger", "state");
        }
        if (project == null) {
            throw new SyncConfigException("no project: give --project NAME (created on first use), \"project\" in "
                    + "the config file or " + ENV_PREFIX + "PROJECT", "project");
        }
        return this;
    }

    public SyncConfig withSource(Path source) {
        return new SyncConfig(project, state, source, bucket, prefix, endpoint, region, workers, verifyChecksums,
                checkRemote, claimTimeout, claimBatch, maxAttempts, retryBackoff, triggerUrl, triggerTimeout,
                triggerAttempts);
    }

    public SyncConfig withTarget(String bucket, String prefix) {
        return new SyncConfig(project, state, source, bucket, prefix, endpoint, region, workers, verifyChecksums,
                checkRemote, claimTimeout, claimBatch, maxAttempts, retryBackoff, triggerUrl, triggerTimeout,
                triggerAttempts);
    }

    public SyncConfig withProject(String project, String state) {
        return new SyncConfig(project, state, source, bucket, prefix, endpoint, region, workers, verifyChecksums,
                checkRemote, claimTimeout, claimBatch, maxAttempts, retryBackoff, triggerUrl, triggerTimeout,
                triggerAttempts);
    }

    public SyncConfig withWorkers(int workers) {
        return new SyncConfig(project, state, source, bucket, prefix, endpoint, region, workers, verifyChecksums,
                checkRemote, claimTimeout, claimBatch, maxAttempts, retryBackoff, triggerUrl, triggerTimeout,
                triggerAttempts);
    }

    public SyncConfig withChecks(boolean verifyChecksums, boolean checkRemote) {
        return new SyncConfig(project, state, source, bucket, prefix, endpoint, region, workers, verifyChecksums,
                checkRemote, claimTimeout, claimBatch, maxAttempts, retryBackoff, triggerUrl, triggerTimeout,
                triggerAttempts);
    }

    public SyncConfig withClaims(Duration claimTimeout, int claimBatch) {
        return new SyncConfig(project, state, source, bucket, prefix, endpoint, region, workers, verifyChecksums,
                checkRemote, claimTimeout, claimBatch, maxAttempts, retryBackoff, triggerUrl, triggerTimeout,
                triggerAttempts);
    }

    public SyncConfig withRetries(int maxAttempts, Duration retryBackoff) {
        return new SyncConfig(project, state, source, bucket, prefix, endpoint, region, workers, verifyChecksums,
                checkRemote, claimTimeout, claimBatch, maxAttempts, retryBackoff, triggerUrl, triggerTimeout,
                triggerAttempts);
    }

    public SyncConfig withTrigger(URI triggerUrl, Duration triggerTimeout, int triggerAttempts) {
        return new SyncConfig(project, state, source, bucket, prefix, endpoint, region, workers, verifyChecksums,
                checkRemote, claimTimeout, claimBatch, maxAttempts, retryBackoff, triggerUrl, triggerTimeout,
                triggerAttempts);
    }

    /** The configuration as recorded in the ledger: every key, the state URL without its password. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("project", project);
        m.put("state", state == null ? null : LedgerDb.redact(state));
        m.put("source", source == null ? null : source.toAbsolutePath().normalize().toString());
        m.put("bucket", bucket);
        m.put("prefix", prefix);
        m.put("endpoint", endpoint);
        m.put("region", region);
        m.put("workers", workers);
        m.put("verify_checksums", verifyChecksums);
        m.put("check_remote", checkRemote);
        m.put("claim_timeout_s", seconds(claimTimeout));
        m.put("claim_batch", claimBatch);
        m.put("max_attempts", maxAttempts);
        m.put("retry_backoff_s", seconds(retryBackoff));
        m.put("trigger_url", triggerUrl == null ? null : triggerUrl.toString());
        m.put("trigger_timeout_s", seconds(triggerTimeout));
        m.put("trigger_attempts", triggerAttempts);
        return m;
    }

    /** {@link #toMap()} as JSON. */
    public String toJson() {
        return Json.write(toMap());
    }
}
