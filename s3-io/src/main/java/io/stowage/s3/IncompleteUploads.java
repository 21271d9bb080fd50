package io.stowage.s3;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Finds and aborts incomplete multipart uploads under a prefix: the parts a crashed or killed upload left behind,
 * which the store keeps (and bills) until they are aborted. {@link ParallelUploader} aborts its own on failure and
 * cancel; this cleans up after crashes ({@code stowage s3 cleanup}).
 *
 * <pre>{@code
 * IncompleteUploads stale = IncompleteUploads.of(s3, S3Location.parse("s3://media/day1"));
 * List<IncompleteUploads.Upload> old = stale.list(Duration.ofDays(1));
 * Result r = stale.abort(old);
 * }</pre>
 *
 * <p>Immutable and thread-safe (the client is shared, not owned).
 */
public final class IncompleteUploads {
    private final S3Client s3;
    private final S3Location location;
    private final Clock clock;

    private IncompleteUploads(S3Client s3, S3Location location, Clock clock) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.location = Objects.requireNonNull(location, "location");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static IncompleteUploads of(S3Client s3, S3Location location) {
        return new IncompleteUploads(s3, location, Clock.systemUTC());
    }

    /**
     * The same, with "now" read from {@code clock} (the age of an upload is {@code clock}'s now minus its start): a
     * test gives a clock ahead of the store's instead of waiting.
     */
    public static IncompleteUploads of(S3Client s3, S3Location location, Clock clock) {
        return new IncompleteUploads(s3, location, clock);
    }

    /**
     * One incomplete multipart upload.
     *
     * @param key       the object key it would create
     * @param uploadId  its upload id
     * @param initiated when it was started, or {@code null} if the store does not say
     */
    public record Upload(String key, String uploadId, Instant initiated) {}

    /**
     * What {@link #abort} did.
     *
     * @param aborted uploads aborted
     * @param failed  uploads that could not be aborted, with the reason
     */
    public record Result(List<Upload> aborted, List<TransferReport.Failure> failed) {
        public Result {
            aborted = List.copyOf(aborted);
            failed = List.copyOf(failed);
        }
    }

    /**
     * Incomplete uploads under the prefix started at least {@code olderThan} ago (all pages of the listing). Uploads
     * with no start time are included only when {@code olderThan} is zero.
     */
    public List<Upload> list(Duration olderThan) {
        if (olderThan == null || olderThan.isNegative()) {
            throw new IllegalArgumentException("older-than must be zero or positive, got " + olderThan);
        }
        Instant cutoff = clock.instant().minus(olderThan);
        List<Upload> result = new ArrayList<>();
        String keyMarker = null;
        String idMarker = null;
        while (true) {
            ListMultipartUploadsRequest.Builder req = ListMultipartUploadsRequest.builder().bucket(location.bucket())
                    .prefix(location.prefix());
            if (keyMarker != null) {
                req.keyMarker(keyMarker).uploadIdMarker(idMarker);
            }
            ListMultipartUploadsResponse resp = s3.listMultipartUploads(req.build());
            for (MultipartUpload u : resp.uploads()) {
                Instant t = u.initiated();
                if ((t == null && olderThan.isZero()) || (t != null && !t.isAfter(cutoff))) {
                    result.add(new Upload(u.key(), u.uploadId(), t));
                }
            }
            if (resp.isTruncated() == null || !resp.isTruncated() || resp.nextKeyMarker() == null) {
                return result;
            }
            if (resp.nextKeyMarker().equals(keyMarker) && java.util.Objects.equals(resp.nextUploadIdMarker(), idMarker)) {
                // a store answering the markers it was sent with the same markers would be followed forever
                throw new S3ListingFailedException(location, "the store answered key marker '" + keyMarker
                        + "' with the same markers (it would list forever)", null);
            }
            keyMarker = resp.nextKeyMarker();
            idMarker = resp.nextUploadIdMarker();
        }
    }

    /** Aborts each upload; one that fails is reported, the rest go on. */
    public Result abort(List<Upload> uploads) {
        List<Upload> aborted = new ArrayList<>();
        List<TransferReport.Failure> failed = new ArrayList<>();
        for (Upload u : uploads) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(location.bucket()).key(u.key()).uploadId(u.uploadId()));
                aborted.add(u);
            } catch (RuntimeException e) {
                failed.add(new TransferReport.Failure(location.relative(u.key()), u.key(),
                        "cannot abort upload " + u.uploadId() + ": " + S3Errors.describe(e)));
            }
        }
        return new Result(aborted, failed);
    }
}
