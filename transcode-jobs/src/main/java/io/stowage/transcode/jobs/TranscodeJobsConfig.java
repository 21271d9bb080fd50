package io.stowage.transcode.jobs;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Configuration of the transcoding service, shared by {@link TranscodeService} and {@link TranscodeWorker} (both
 * sides must agree on the Redis prefix and the bucket). Validated on construction; {@code withX} returns a copy.
 *
 * <pre>{@code
 * TranscodeJobsConfig c = TranscodeJobsConfig.defaults("redis://127.0.0.1:6379", "media")
 *         .withMaxInputBytes(2L << 30).withLinkExpiry(Duration.ofHours(24)).withRetention(Duration.ofDays(7));
 * }</pre>
 *
 * @param redisUrl             Lettuce URI of the Redis holding jobs and the queue, e.g. {@code redis://host:6379/0}
 * @param keyPrefix            prefix of every Redis key (jobs, histories, streams, channel), e.g. {@code stowage:tj:}
 * @param bucket               the S3 bucket for raw inputs and outputs
 * @param rawPrefix            key prefix of raw inputs: {@code raw/} gives {@code raw/{user}/{job}/{name}}
 * @param processedPrefix      key prefix of outputs: {@code processed/} gives {@code processed/{user}/{job}/{name}}
 * @param maxInputBytes        largest input accepted, counted while streaming
 * @param maxAttempts          how many times a job is started before it goes to the dead-letter stream as FAILED
 * @param claimIdleTimeout     a delivered job untouched this long is taken over by another worker (its worker died)
 * @param claimRefreshInterval how often a live worker refreshes its claim; at most a third of the idle timeout
 * @param pollTimeout          how long a worker blocks in one XREADGROUP (also how fast it notices shutdown)
 * @param linkExpiry           lifetime of presigned download links (at most 7 days)
 * @param retention            finished jobs, their outputs and history entries expire this long after they finish
 * @param keepRawInput         keep the raw input after the output is verified (default: delete it)
 * @param progressInterval     progress is written to the job at most this often ...
 * @param progressStep         ... or when it moved this many percent
 * @param notifyAttempts       attempts to deliver one notice before it is recorded as FAILED
 * @param notifyBackoff        pause between notice attempts (doubles each time)
 * @param shutdownGrace        on close, how long a worker lets its current job finish before releasing it
 * @param partSize             multipart part size for raw uploads and outputs (5 MiB or more)
 *
 * <p>Immutable, so thread-safe.
 */
public record TranscodeJobsConfig(String redisUrl, String keyPrefix, String bucket, String rawPrefix,
                                  String processedPrefix, long maxInputBytes, int maxAttempts,
                                  Duration claimIdleTimeout, Duration claimRefreshInterval, Duration pollTimeout,
                                  Duration linkExpiry, Duration retention, boolean keepRawInput,
                                  Duration progressInterval, double progressStep, int notifyAttempts,
                                  Duration notifyBackoff, Duration shutdownGrace, int partSize) {
    /** Default Redis key prefix. */
    public static final String DEFAULT_KEY_PREFIX = "stowage:tj:";
    private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9._-]+/)*");

    /** @throws TranscodeJobsInvalidConfigException naming the first unusable value */
    public TranscodeJobsConfig {
        require(redisUrl != null && (redisUrl.startsWith("redis://") || redisUrl.startsWith("rediss://")
                || redisUrl.startsWith("redis-socket://")), "redisUrl", redisUrl, "must be a redis:// URI");
        require(keyPrefix != null && !keyPrefix.isEmpty(), "keyPrefix", keyPrefix, "must not be empty");
        require(bucket != null && bucket.length() >= 3 && bucket.length() <= 63, "bucket", bucket,
                "S3 bucket names have 3 to 63 characters");
        require(rawPrefix != null && PREFIX.matcher(rawPrefix).matches(), "rawPrefix", rawPrefix,
                "must be folder names each ending with /, e.g. raw/");
        require(processedPrefix != null && PREFIX.matcher(processedPrefix).matches(), "processedPrefix",
                processedPrefix, "must be folder names each ending with /, e.g. processed/");
        require(!rawPrefix.equals(processedPrefix), "processedPrefix", processedPrefix,
                "must differ from rawPrefix");
        require(maxInputBytes > 0, "maxInputBytes", maxInputBytes, "must be positive");
        require(maxAttempts >= 1, "maxAttempts", maxAttempts, "must be at least 1");
        positive("claimIdleTimeout", claimIdleTimeout);
        positive("claimRefreshInterval", claimRefreshInterval);
        require(claimRefreshInterval.multipliedBy(3).compareTo(claimIdleTimeout) <= 0, "claimRefreshInterval",
                claimRefreshInterval, "must be at most a third of claimIdleTimeout " + claimIdleTimeout
                        + " so a live worker's claim is never taken over");
        positive("pollTimeout", pollTimeout);
        positive("linkExpiry", linkExpiry);
        require(linkExpiry.compareTo(Duration.ofDays(7)) <= 0, "linkExpiry", linkExpiry,
                "presigned links last at most 7 days");
        positive("retention", retention);
        positive("progressInterval", progressInterval);
        require(progressStep > 0 && progressStep <= 100, "progressStep", progressStep, "must be in (0, 100]");
        require(notifyAttempts >= 1, "notifyAttempts", notifyAttempts, "must be at least 1");
        require(notifyBackoff != null && !notifyBackoff.isNegative(), "notifyBackoff", notifyBackoff,
                "must not be negative");
        require(shutdownGrace != null && !shutdownGrace.isNegative(), "shutdownGrace", shutdownGrace,
                "must not be negative");
        require(partSize >= 5 << 20, "partSize", partSize, "S3 parts are at least 5 MiB (5242880)");
    }

    private static void require(boolean ok, String option, Object value, String problem) {
        if (!ok) {
            throw new TranscodeJobsInvalidConfigException(option, value, problem);
        }
    }

    private static void positive(String option, Duration d) {
        require(d != null && !d.isNegative() && !d.isZero(), option, d, "must be positive");
    }

    /**
     * Defaults: prefix {@value #DEFAULT_KEY_PREFIX}, {@code raw/} and {@code processed/}, 4 GiB inputs, 3 attempts,
     * claims idle 60 s refreshed every 10 s, 2 s polls, links for 24 h, retention 7 days, raw input deleted after
     * verification, progress every 500 ms or 1 %, 5 notice attempts from 1 s, 30 s shutdown grace, 8 MiB parts.
     */
    public static TranscodeJobsConfig defaults(String redisUrl, String bucket) {
        return new TranscodeJobsConfig(redisUrl, DEFAULT_KEY_PREFIX, bucket, "raw/", "processed/", 4L << 30, 3,
                Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofHours(24),
                Duration.ofDays(7), false, Duration.ofMillis(500), 1.0, 5, Duration.ofSeconds(1),
                Duration.ofSeconds(30), 8 << 20);
    }

    public TranscodeJobsConfig withRedisUrl(String v) {
        return new TranscodeJobsConfig(v, keyPrefix, bucket, rawPrefix, processedPrefix, maxInputBytes, maxAttempts,
                claimIdleTimeout, claimRefreshInterval, pollTimeout, linkExpiry, retention, keepRawInput,
                progressInterval, progressStep, notifyAttempts, notifyBackoff, shutdownGrace, partSize);
    }

    public TranscodeJobsConfig withKeyPrefix(String v) {
        return new TranscodeJobsConfig(redisUrl, v, bucket, rawPrefix, processedPrefix, maxInputBytes, maxAttempts,
                claimIdleTimeout, claimRefreshInterval, pollTimeout, linkExpiry, retention, keepRawInput,
                progressInterval, progressStep, notifyAttempts, notifyBackoff, shutdownGrace, partSize);
    }

    public TranscodeJobsConfig withBucket(String v) {
        return new TranscodeJobsConfig(redisUrl, keyPrefix, v, rawPrefix, processedPrefix, maxInputBytes, maxAttempts,
                claimIdleTimeout, claimRefreshInterval, pollTimeout, linkExpiry, retention, keepRawInput,
                progressInterval, progressStep, notifyAttempts, notifyBackoff, shutdownGrace, partSize);
    }

    public TranscodeJobsConfig withPrefixes(String raw, String processed) {
        return new TranscodeJobsConfig(redisUrl, keyPrefix, bucket, raw, processed, maxInputBytes, maxAttempts,
                claimIdleTimeout, claimRefreshInterval, pollTimeout, linkExpiry, retention, keepRawInput,
                progressInterval, progressStep, notifyAttempts, notifyBackoff, shutdownGrace, partSize);
    }

    public TranscodeJobsConfig withMaxInputBytes(long v) {
        return new TranscodeJobsConfig(redisUrl, keyPrefix, bucket, rawPrefix, processedPrefix, v, maxAttempts,
                claimIdleTimeout, claimRefreshInterval, pollTimeout, linkExpiry, retention, keepRawInput,
                progressInterval, progressStep, notifyAttempts, notifyBackoff, shutdownGrace, partSize);
    }

    public TranscodeJobsConfig withMaxAttempts(int v) {
        return new TranscodeJobsConfig(redisUrl, keyPrefix, bucket, rawPrefix, processedPrefix, maxInputBytes, v,
                claimIdleTimeout, claimRefreshInterval, pollTimeout, linkExpiry, retention, keepRawInput,
                progressInterval, progressStep, notifyAttempts, notifyBackoff, shutdownGrace, partSize);
    }

    /** Sets the idle timeout and the refresh interval together (refresh at most a third of idle). */
    public TranscodeJobsConfig withClaimTimeouts(Duration idle, Duration refresh) {
        return new TranscodeJobsConfig(redisUrl, keyPrefix, bucket, rawPrefix, processedPrefix, maxInputBytes,
                maxAttempts, idle, refresh, pollTimeout, linkExpiry, retention, keepRawInput,
                progressInterval, progressStep, notifyAttempts, notifyBackoff, shutdownGrace, partSize);
    }

    public TranscodeJobsConfig withPollTimeout(Duration v) {
        return new TranscodeJobsConfig(redisUrl, keyPrefix, bucket, rawPrefix, processedPrefix, maxInputBytes,
                maxAttempts, claimIdleTimeout, claimRefreshInterval, v, linkExpiry, retention, keepRawInput,
                progressInterval, progressStep, notifyAttempts, notifyBackoff, shutdownGrace, partSize);
    }

    public TranscodeJobsConfig withLinkExpiry(Duration v) {
        return new TranscodeJobsConfig(redisUrl, keyPrefix, bucket, rawPrefix, processedPrefix, maxInputBytes,
                maxAttempts, claimIdleTimeout, claimRefreshInterval, pollTimeout, v, retention, keepRawInput,
                progressInterval, progressStep, notifyAttempts, notifyBackoff, shutdownGrace, partSize);
    }

    public TranscodeJobsConfig withRetention(Duration v) {
        return new TranscodeJobsConfig(redisUrl, keyPrefix, bucket, rawPrefix, processedPrefix, maxInputBytes,
                maxAttempts, claimIdleTimeout, claimRefreshInterval, pollTimeout, linkExpiry, v, keepRawInput,
                progressInterval, progressStep, notifyAttempts, notifyBackoff, shutdownGrace, partSize);
    }

    public TranscodeJobsConfig withKeepRawInput(boolean v) {
        return new TranscodeJobsConfig(redisUrl, keyPrefix, bucket, rawPrefix, processedPrefix, maxInputBytes,
                maxAttempts, claimIdleTimeout, claimRefreshInterval, pollTimeout, linkExpiry, retention, v,
                progressInterval, progressStep, notifyAttempts, notifyBackoff, shutdownGrace, partSize);
    }

    public TranscodeJobsConfig withProgressThrottle(Duration interval, double step) {
        return new TranscodeJobsConfig(redisUrl, keyPrefix, bucket, rawPrefix, processedPrefix, maxInputBytes,
                maxAttempts, claimIdleTimeout, claimRefreshInterval, pollTimeout, linkExpiry, retention, keepRawInput,
                interval, step, notifyAttempts, notifyBackoff, shutdownGrace, partSize);
    }

    public TranscodeJobsConfig withNotifyRetry(int attempts, Duration backoff) {
        return new TranscodeJobsConfig(redisUrl, keyPrefix, bucket, rawPrefix, processedPrefix, maxInputBytes,
                maxAttempts, claimIdleTimeout, claimRefreshInterval, pollTimeout, linkExpiry, retention, keepRawInput,
                progressInterval, progressStep, attempts, backoff, shutdownGrace, partSize);
    }

    public TranscodeJobsConfig withShutdownGrace(Duration v) {
        return new TranscodeJobsConfig(redisUrl, keyPrefix, bucket, rawPrefix, processedPrefix, maxInputBytes,
                maxAttempts, claimIdleTimeout, claimRefreshInterval, pollTimeout, linkExpiry, retention, keepRawInput,
                progressInterval, progressStep, notifyAttempts, notifyBackoff, v, partSize);
    }

    public TranscodeJobsConfig withPartSize(int v) {
        return new TranscodeJobsConfig(redisUrl, keyPrefix, bucket, rawPrefix, processedPrefix, maxInputBytes,
                maxAttempts, claimIdleTimeout, claimRefreshInterval, pollTimeout, linkExpiry, retention, keepRawInput,
                progressInterval, progressStep, notifyAttempts, notifyBackoff, shutdownGrace, v);
    }
}
