package io.stowage.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stowage.s3.EmbeddedS3;
import io.stowage.s3.IncompleteUploads;
import io.stowage.s3.S3Location;
import io.stowage.s3.TransferReport;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The JSON documents of {@code stowage upload}, {@code download} and {@code s3 serve|cleanup}, as records that
 * {@link Output} writes (snake_case field names, in declaration order).
 *
 * <p>{@code Output.printJson(out, S3Json.Transfer.upload(report, dir.toString(), loc.toString()));}
 *
 * <p>Immutable records, so thread-safe.
 */
final class S3Json {
    private S3Json() {
    }

    /**
     * A transfer report (DESIGN.md's contract: counts, failures with reasons). An upload has {@code uploaded} and
     * {@code bytes_uploaded} and lists failures by {@code path}; a download has {@code downloaded} and
     * {@code bytes_downloaded} and lists them by {@code key}: the other pair is left out.
     */
    record Transfer(String source, String target,
                    @JsonInclude(JsonInclude.Include.NON_NULL) Long uploaded,
                    @JsonInclude(JsonInclude.Include.NON_NULL) Long downloaded,
                    long skipped, long failed,
                    @JsonInclude(JsonInclude.Include.NON_NULL) Long bytesUploaded,
                    @JsonInclude(JsonInclude.Include.NON_NULL) Long bytesDownloaded,
                    long bytesSkipped, long retries, long listRequests, String startedAt, double durationS,
                    double filesPerS, long bytesPerS, boolean cancelled, List<Item> failures, List<Item> ignored) {
        static Transfer upload(TransferReport r, String source, String target) {
            return of(r, source, target, false);
        }

        static Transfer download(TransferReport r, String source, String target) {
            return of(r, source, target, true);
        }

        private static Transfer of(TransferReport r, String source, String target, boolean download) {
            double secs = r.duration().toNanos() / 1e9;
            Long n = r.transferred();
            Long bytes = r.bytesTransferred();
            return new Transfer(source, target, download ? null : n, download ? n : null, r.skipped(), r.failed(),
                    download ? null : bytes, download ? bytes : null, r.bytesSkipped(), r.retries(),
                    r.listRequests(), r.startedAt().truncatedTo(ChronoUnit.MILLIS).toString(),
                    Math.round(secs * 1000) / 1000.0,
                    Math.round((r.transferred() + r.skipped()) / Math.max(secs, 1e-3) * 10) / 10.0,
                    Math.round(r.bytesTransferred() / Math.max(secs, 1e-3)), r.cancelled(),
                    Item.of(r.failures(), download), Item.of(r.ignored(), download));
        }
    }

    /** A file (upload: {@code path}) or object (download: {@code key}) that failed or was left out, and why. */
    record Item(@JsonInclude(JsonInclude.Include.NON_NULL) String key,
                @JsonInclude(JsonInclude.Include.NON_NULL) String path, String reason) {
        static List<Item> of(List<TransferReport.Failure> list, boolean keys) {
            return list.stream().map(f -> keys ? new Item(f.path(), null, f.reason())
                    : new Item(null, f.path(), f.reason())).toList();
        }
    }

    /** {@code stowage s3 serve --json}: where the endpoint listens. */
    record Serve(String endpoint, int port, String dir, List<String> buckets, boolean authentication) {
        static Serve of(EmbeddedS3 server, boolean authentication) {
            return new Serve(server.endpoint().toString(), server.port(), server.directory().toString(),
                    server.buckets(), authentication);
        }
    }

    /** {@code stowage s3 cleanup --json}: the stale multipart uploads found and aborted. */
    record Cleanup(String target, long olderThanS, boolean dryRun, int found, int aborted, List<Upload> uploads,
                   List<KeyFailure> failures) {
        static Cleanup of(S3Location loc, Duration olderThan, boolean dryRun, List<IncompleteUploads.Upload> found,
                          IncompleteUploads.Result r) {
            return new Cleanup(loc.toString(), olderThan.toSeconds(), dryRun, found.size(), r.aborted().size(),
                    found.stream().map(u -> new Upload(loc.relative(u.key()), u.uploadId(),
                            u.initiated() == null ? null : u.initiated().toString())).toList(),
                    r.failed().stream().map(f -> new KeyFailure(f.path(), f.reason())).toList());
        }
    }

    /** A stale multipart upload. */
    record Upload(String key, String uploadId, String initiated) {
    }

    /** An upload that could not be aborted. */
    record KeyFailure(String key, String reason) {
    }
}
