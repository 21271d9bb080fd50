package io.stowage.cli;

import io.stowage.s3.S3Location;
import io.stowage.s3.S3Objects;
import io.stowage.s3.S3Settings;
import io.stowage.s3.TransferReport;
import picocli.CommandLine;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** What the S3 commands share: endpoint option, bucket check, Ctrl-C handling, report output. */
final class S3Cli {
    private S3Cli() {}

    /** {@code --endpoint URL}: a non-AWS store; default {@code STOWAGE_S3_ENDPOINT}, then AWS. */
    static final class EndpointOption {
        @CommandLine.Option(names = "--endpoint", paramLabel = "URL",
                description = "S3-compatible endpoint, e.g. http://127.0.0.1:9000 (default: $STOWAGE_S3_ENDPOINT, "
                        + "else AWS). Credentials come from the AWS default chain; a local endpoint without any "
                        + "uses a fixed pair.")
        String endpoint;

        @CommandLine.Option(names = "--region", paramLabel = "REGION",
                description = "Signing region (default: AWS region chain; us-east-1 for other endpoints).")
        String region;

        /** The client settings of {@code --endpoint} and {@code --region}, the SDK's default connection pool. */
        S3Settings settings() {
            return S3Cli.settings("--endpoint", endpoint, region);
        }

        S3Settings settings(int connections) {
            return settings().withMaxConnections(Math.max(8, connections));
        }
    }

    /**
     * Client settings for {@code endpoint} ({@code null}: {@code $STOWAGE_S3_ENDPOINT}, then AWS) and an optional
     * signing region; a bad endpoint is a usage error prefixed with {@code what} (the option or key it came from).
     */
    static S3Settings settings(String what, String endpoint, String region) {
        S3Settings s;
        try {
            s = S3Settings.fromEndpointOrEnvironment(endpoint);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(what + ": " + e.getMessage());
        }
        return region == null ? s : s.withRegion(region);
    }

    static S3Location location(String text, String argument) {
        try {
            return S3Location.parse(text);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(argument + ": " + e.getMessage());
        }
    }

    /** Fails with a clear message when the bucket is missing or unreachable (one HEAD request). */
    static void checkBucket(S3Client s3, S3Location loc, S3Settings settings) {
        String where = settings.endpoint() == null ? "AWS S3" : settings.endpoint().toString();
        S3Objects.BucketStatus status;
        try {
            status = S3Objects.create(s3).checkBucket(loc.bucket());
        } catch (AwsServiceException e) {
            throw new CliS3UnreachableException(loc.bucket(), where, "cannot reach bucket '" + loc.bucket()
                    + "' at " + where + ": " + e.getMessage(), e);
        } catch (SdkClientException e) {
            throw new CliS3UnreachableException(loc.bucket(), where, "cannot reach " + where + ": "
                    + e.getMessage() + "; check --endpoint and that the store is running", e);
        }
        if (status == S3Objects.BucketStatus.MISSING) {
            throw new CliBucketMissingException(loc.bucket(), where, "bucket '" + loc.bucket()
                    + "' does not exist at " + where + "; create it first (or check --endpoint)");
        }
        if (status == S3Objects.BucketStatus.ACCESS_DENIED) {
            throw new CliBucketAccessDeniedException(loc.bucket(), where, "access to bucket '" + loc.bucket()
                    + "' at " + where + " was denied (403); check the credentials (AWS_ACCESS_KEY_ID/AWS_PROFILE)");
        }
    }

    /**
     * Runs {@code work}; Ctrl-C or SIGTERM calls {@code cancel} and waits (up to 30 s) until {@code work} has
     * returned and its report was printed, so multipart uploads are aborted and the summary is shown.
     */
    static <T> T withInterrupt(Runnable cancel, java.util.function.Supplier<T> work,
                               java.util.function.Consumer<T> print) {
        CountDownLatch printed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            cancel.run();
            try {
                printed.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stowage-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            T result = work.get();
            print.accept(result);
            return result;
        } finally {
            printed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the report is printed
            }
        }
    }

    /**
     * {@code text} safe to print on a terminal: control characters (C0, DEL, C1) and invisible format characters
     * (bidirectional overrides, zero-width) as {@code \\xNN} / {@code \\uNNNN}, so a key or file name cannot move the
     * cursor, retitle the terminal or fake rows. Printable text, accents and emoji are kept.
     */
    static String printable(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean escape = Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || c == '\u2028' || c == '\u2029';
            if (escape && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (!escape) {
                    sb.append(c);
                } else if (c < 0x100) {
                    sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
                } else {
                    sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                }
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** One failure line of a transfer's human output, its path and reason made {@link #printable}. */
    static String failureLine(TransferReport.Failure f) {
        return "failed: " + printable(f.path()) + ": " + printable(f.reason());
    }

    static void printHuman(PrintWriter out, TransferReport r, String verb, String target) {
        double secs = Math.max(r.duration().toNanos() / 1e9, 1e-3);
        out.printf(Locale.ROOT, "%s %d files (%s), skipped %d (%s), failed %d in %.1f s (%.0f files/s, %s/s)%s%n",
                verb, r.transferred(), SizeConverter.format(r.bytesTransferred()), r.skipped(),
                SizeConverter.format(r.bytesSkipped()), r.failed(), secs, (r.transferred() + r.skipped()) / secs,
                SizeConverter.format((long) (r.bytesTransferred() / secs)),
                r.retries() > 0 ? ", " + r.retries() + " retries" : "");
        out.println("target: " + printable(target));
        if (r.cancelled()) {
            out.println("cancelled: files not started were not counted");
        }
        int shown = 0;
        for (TransferReport.Failure f : r.failures()) {
            if (shown++ == 20) {
                out.println("... and " + (r.failures().size() - 20) + " more failures (use --json for all)");
                break;
            }
            out.println(failureLine(f));
        }
        if (!r.ignored().isEmpty()) {
            out.println("left out: " + r.ignored().size() + " (special files, links not followed, loops; --json lists"
                    + " them)");
        }
        out.flush();
    }
}
