package io.stowage.sync;

import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The effective configuration of a ledgered upload, validated: {@link SyncConfigLoader} merges a JSON config file,
 * the environment ({@code STOWAGE_SYNC_<KEY>}) and command-line options into one; the uploader uses it as is, and
 * the ledger's config history records it ({@link #toJson()}) and names the keys that changed
 * ({@link #changedKeys(SyncConfig)}).
 *
 * <pre>{@code
 * SyncConfig c = SyncConfig.defaults().withProject("photos", "stowage.db").withSource(Path.of("/mnt/photos"))
 *         .withTarget("media", "day1").withSelection(List.of("cam1/**"), List.of(), List.of("jpg"));
 * c.requireUploadable();
 * }</pre>
 *
 * <p>Keys (JSON name, type, default): {@code project} string; {@code state} string (file path, jdbc:sqlite:PATH or
 * jdbc:postgresql://...); {@code source} string (the folder); {@code bucket}, {@code prefix} strings;
 * {@code endpoint}, {@code region} strings; {@code include}, {@code exclude} glob lists, {@code ext} extension list
 * (each empty: everything); {@code workers} integer 16; {@code verify_checksums} boolean false;
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
 * @param include         upload only paths matching one of these globs ({@code /}-separated relative paths); empty:
 *                        all
 * @param exclude         leave out paths matching one of these globs
 * @param extensions      upload only these extensions (lower case, no dot, sorted); empty: any
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
                         String region, List<String> include, List<String> exclude, List<String> extensions,
                         int workers, boolean verifyChecksums, boolean checkRemote, Duration claimTimeout,
                         int claimBatch, int maxAttempts, Duration retryBackoff, URI triggerUrl,
                         Duration triggerTimeout, int triggerAttempts) {

    /** Prefix of the environment variables read by {@link SyncConfigLoader#load}. */
    public static final String ENV_PREFIX = "STOWAGE_SYNC_";
    private static final Pattern PROJECT_NAME = Pattern.compile("[A-Za-z0-9._/-]{1,200}");

    /** Everything unset: 16 workers, 60 s claims of 256 files, 5 attempts, 1 s backoff, 10 s x 3 trigger. */
    static final SyncConfig DEFAULTS = new SyncConfig(null, null, null, null, "", null, null, List.of(), List.of(),
            List.of(), 16, false, false, Duration.ofSeconds(60), 256, 5, Duration.ofSeconds(1), null,
            Duration.ofSeconds(10), 3);

    public SyncConfig {
        prefix = prefix == null ? "" : prefix;
        include = globs("include", include);
        exclude = globs("exclude", exclude);
        extensions = extensions(extensions);
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
            throw new SyncConfigException("claim_timeout_s " + ConfigKey.seconds(claimTimeout)
                    + " is outside 0.1..86400 s", "claim_timeout_s");
        }
        if (retryBackoff.isNegative() || retryBackoff.compareTo(Duration.ofHours(1)) > 0) {
            throw new SyncConfigException("retry_backoff_s " + ConfigKey.seconds(retryBackoff)
                    + " is outside 0..3600 s", "retry_backoff_s");
        }
        if (triggerTimeout.toMillis() < 1 || triggerTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new SyncConfigException("trigger_timeout_s " + ConfigKey.seconds(triggerTimeout)
                    + " is outside 0.001..600 s", "trigger_timeout_s");
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

    private static List<String> globs(String key, List<String> globs) {
        List<String> out = List.copyOf(Objects.requireNonNull(globs, key));
        for (String g : out) {
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + g);
            } catch (IllegalArgumentException e) {
                throw new SyncConfigException(key + " glob '" + g + "' is not valid: " + e.getMessage(), key, e);
            }
        }
        return out;
    }

    private static List<String> extensions(List<String> extensions) {
        TreeSet<String> out = new TreeSet<>();
        for (String e : Objects.requireNonNull(extensions, "extensions")) {
            String x = e.strip();
            x = x.startsWith(".") ? x.substring(1) : x;
            if (!x.isEmpty()) {
                out.add(x.toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(out);
    }

    /** Everything unset: 16 workers, 60 s claims of 256 files, 5 attempts, 1 s backoff, 10 s x 3 trigger. */
    public static SyncConfig defaults() {
        return DEFAULTS;
    }

    /** The known keys, in documentation order. */
    public static List<String> keys() {
        List<String> out = new ArrayList<>();
        for (ConfigKey k : ConfigKey.values()) {
            out.add(k.json());
        }
        return out;
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
        return with(d -> d.source = source);
    }

    public SyncConfig withTarget(String bucket, String prefix) {
        return with(d -> {
            d.bucket = bucket;
            d.prefix = prefix;
        });
    }

    public SyncConfig withProject(String project, String state) {
        return with(d -> {
            d.project = project;
            d.state = state;
        });
    }

    /** The S3 endpoint ({@code null}: AWS or {@code STOWAGE_S3_ENDPOINT}). */
    public SyncConfig withEndpoint(String endpoint) {
        return with(d -> d.endpoint = endpoint);
    }

    /** Which files of the folder are uploaded: include and exclude globs, extensions (each empty: no limit). */
    public SyncConfig withSelection(List<String> include, List<String> exclude, List<String> extensions) {
        return with(d -> {
            d.include = include;
            d.exclude = exclude;
            d.extensions = extensions;
        });
    }

    public SyncConfig withWorkers(int workers) {
        return with(d -> d.workers = workers);
    }

    public SyncConfig withChecks(boolean verifyChecksums, boolean checkRemote) {
        return with(d -> {
            d.verifyChecksums = verifyChecksums;
            d.checkRemote = checkRemote;
        });
    }

    public SyncConfig withClaims(Duration claimTimeout, int claimBatch) {
        return with(d -> {
            d.claimTimeout = claimTimeout;
            d.claimBatch = claimBatch;
        });
    }

    public SyncConfig withRetries(int maxAttempts, Duration retryBackoff) {
        return with(d -> {
            d.maxAttempts = maxAttempts;
            d.retryBackoff = retryBackoff;
        });
    }

    public SyncConfig withTrigger(URI triggerUrl, Duration triggerTimeout, int triggerAttempts) {
        return with(d -> {
            d.triggerUrl = triggerUrl;
            d.triggerTimeout = triggerTimeout;
            d.triggerAttempts = triggerAttempts;
        });
    }

    private SyncConfig with(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return d.build();
    }

    /**
     * The configuration as the ledger's config history records it: one JSON object with every key (the state URL
     * without its password, the folder absolute, durations in seconds).
     */
    public String toJson() {
        return SyncJson.write(this);
    }

    /**
     * The keys whose recorded values differ from {@code previous} (every key when {@code previous} is {@code null}),
     * in documentation order.
     */
    public List<String> changedKeys(SyncConfig previous) {
        List<String> out = new ArrayList<>();
        for (ConfigKey k : ConfigKey.values()) {
            if (previous == null || !Objects.equals(k.recorded(this), k.recorded(previous))) {
                out.add(k.json());
            }
        }
        return out;
    }

    /** A mutable copy that {@link SyncConfigLoader} and the {@code withX} methods fill, then validate by building. */
    static final class Draft {
        String project;
        String state;
        Path source;
        String bucket;
        String prefix;
        String endpoint;
        String region;
        List<String> include;
        List<String> exclude;
        List<String> extensions;
        int workers;
        boolean verifyChecksums;
        boolean checkRemote;
        Duration claimTimeout;
        int claimBatch;
        int maxAttempts;
        Duration retryBackoff;
        URI triggerUrl;
        Duration triggerTimeout;
        int triggerAttempts;

        Draft(SyncConfig c) {
            project = c.project;
            state = c.state;
            source = c.source;
            bucket = c.bucket;
            prefix = c.prefix;
            endpoint = c.endpoint;
            region = c.region;
            include = c.include;
            exclude = c.exclude;
            extensions = c.extensions;
            workers = c.workers;
            verifyChecksums = c.verifyChecksums;
            checkRemote = c.checkRemote;
            claimTimeout = c.claimTimeout;
            claimBatch = c.claimBatch;
            maxAttempts = c.maxAttempts;
            retryBackoff = c.retryBackoff;
            triggerUrl = c.triggerUrl;
            triggerTimeout = c.triggerTimeout;
            triggerAttempts = c.triggerAttempts;
        }

        SyncConfig build() {
            return new SyncConfig(project, state, source, bucket, prefix, endpoint, region, include, exclude,
                    extensions, workers, verifyChecksums, checkRemote, claimTimeout, claimBatch, maxAttempts,
                    retryBackoff, triggerUrl, triggerTimeout, triggerAttempts);
        }
    }
}
