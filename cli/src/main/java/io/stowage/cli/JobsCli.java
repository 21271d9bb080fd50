package io.stowage.cli;

import io.stowage.s3.S3Settings;
import io.stowage.transcode.jobs.JobView;
import io.stowage.transcode.jobs.TranscodeJobsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.net.URI;
import java.util.Locale;

/** What {@code stowage worker transcode} and {@code stowage jobs ...} share: Redis, S3 and the job JSON. */
final class JobsCli {
    private JobsCli() {
    }

    /** Where the queue and the objects are. Each option also reads {@code STOWAGE_<OPTION>}. */
    static final class QueueOptions {
        @Option(names = "--redis", paramLabel = "URL", defaultValue = "redis://127.0.0.1:6379",
                description = "Redis holding jobs and the queue (default: $STOWAGE_REDIS, else ${DEFAULT-VALUE}, as"
                        + " for serve transcode).")
        String redis;

        @Option(names = "--key-prefix", paramLabel = "PREFIX", defaultValue = TranscodeJobsConfig.DEFAULT_KEY_PREFIX,
                description = "Prefix of every Redis key (default: ${DEFAULT-VALUE}); workers and submitters must agree.")
        String keyPrefix;

        @Option(names = "--bucket", paramLabel = "BUCKET", defaultValue = "transcode",
                description = "S3 bucket of raw inputs (raw/) and outputs (processed/) (default: $STOWAGE_BUCKET,"
                        + " else ${DEFAULT-VALUE}, as for serve transcode).")
        String bucket;

        @CommandLine.Mixin
        S3Cli.EndpointOption endpoint = new S3Cli.EndpointOption();

        @Option(names = "--max-input-size", paramLabel = "SIZE", converter = SizeConverter.class,
                description = "Largest accepted input, e.g. 4GiB (default: 4GiB).")
        Long maxInputSize;

        @Option(names = "--link-expiry", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Lifetime of download links, e.g. 24h (default: 24h, at most 7d).")
        java.time.Duration linkExpiry;

        @Option(names = "--retention", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Finished jobs and their outputs expire after this, e.g. 7d (default: 7d).")
        java.time.Duration retention;

        TranscodeJobsConfig config() {
            TranscodeJobsConfig c = TranscodeJobsConfig.defaults(redis, bucket).withKeyPrefix(keyPrefix);
            if (maxInputSize != null) {
                c = c.withMaxInputBytes(maxInputSize);
            }
            if (linkExpiry != null) {
                c = c.withLinkExpiry(linkExpiry);
            }
            if (retention != null) {
                c = c.withRetention(retention);
            }
            return c;
        }

        S3Settings s3() {
            return endpoint.settings();
        }
    }

    /** One job as the CLI prints it (snake_case; times ISO-8601 UTC; sizes in bytes; -1 when unknown). */
    record JobJson(String id, String user, String state, double percent, String preset, String originalName,
            String encoder, String inputKey, long inputSize, String outputKey, long outputSize, String error,
            int attempts, String createdAt, String startedAt, String finishedAt, String email, String notification,
            String notificationError, boolean cancelRequested, boolean inputRemoved, String downloadUrl) {
        static JobJson of(JobView v, URI link) {
            return new JobJson(v.id().value(), v.user(), v.state().name(), v.percent(), v.preset(), v.originalName(),
                    v.encoder(), v.inputKey(), v.inputSize(), v.outputKey(), v.outputSize(), v.error(), v.attempts(),
                    str(v.createdAt()), str(v.startedAt()), str(v.finishedAt()), v.email(), v.notification().name(),
                    v.notificationError(), v.cancelRequested(), v.inputRemoved(), link == null ? null : link.toString());
        }

        private static String str(java.time.Instant t) {
            return t == null ? null : t.toString();
        }
    }

    /** One line for humans. */
    static String line(JobView v) {
        String pct = String.format(Locale.ROOT, "%5.1f%%", v.percent());
        return v.id() + "  " + String.format(Locale.ROOT, "%-10s", v.state()) + " " + pct + "  " + v.preset() + "  "
                + v.originalName() + (v.error() != null ? "  (" + v.error() + ")" : "");
    }
}
