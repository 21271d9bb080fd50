package io.stowage.s3;

import java.util.Objects;

/**
 * How {@link S3Objects#openUpload} and {@link S3Objects#put} stream an object up: part size, parts in flight, content
 * type and retries of each request.
 *
 * <pre>{@code
 * StreamUploadOptions o = StreamUploadOptions.defaults().withPartSize(16 << 20).withPartsInFlight(4);
 * }</pre>
 *
 * <p>Memory is {@code (partsInFlight + 1) x partSize}; an object may have {@value #MAX_PARTS} parts, so the part
 * size bounds the object size ({@code 8 MiB} parts: 78 GiB).
 *
 * <p>Immutable and thread-safe; {@code withX} return validated copies.
 *
 * @param partSize      bytes per part, 5 MiB (S3's minimum) to 2 GiB; default 8 MiB
 * @param partsInFlight parts uploading while the next fills, 1..16; default 2
 * @param contentType   the object's content type, or {@code null} for the store's default
 * @param retry         retries of each request (create, part, put, complete)
 */
public record StreamUploadOptions(int partSize, int partsInFlight, String contentType, RetrySettings retry) {
    /** S3's smallest part (except the last). */
    public static final int MIN_PART_SIZE = 5 << 20;
    /** The largest part a stream buffers (a Java array). */
    public static final int MAX_PART_SIZE = Integer.MAX_VALUE - 8;
    /** S3's largest number of parts. */
    public static final int MAX_PARTS = 10_000;
    /** The default part size: 8 MiB. */
    public static final int DEFAULT_PART_SIZE = 8 << 20;

    public StreamUploadOptions {
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("part size " + partSize + " is outside 5 MiB..2 GiB (S3 needs parts of"
                    + " at least 5 MiB)");
        }
        if (partsInFlight < 1 || partsInFlight > 16) {
            throw new IllegalArgumentException("partsInFlight " + partsInFlight + " is outside 1..16");
        }
        Objects.requireNonNull(retry, "retry");
    }

    /** 8 MiB parts, 2 in flight, no content type, {@link RetrySettings#defaults()}. */
    public static StreamUploadOptions defaults() {
        return new StreamUploadOptions(DEFAULT_PART_SIZE, 2, null, RetrySettings.defaults());
    }

    public StreamUploadOptions withPartSize(int partSize) {
        return new StreamUploadOptions(partSize, partsInFlight, contentType, retry);
    }

    public StreamUploadOptions withPartsInFlight(int partsInFlight) {
        return new StreamUploadOptions(partSize, partsInFlight, contentType, retry);
    }

    public StreamUploadOptions withContentType(String contentType) {
        return new StreamUploadOptions(partSize, partsInFlight, contentType, retry);
    }

    public StreamUploadOptions withRetry(RetrySettings retry) {
        return new StreamUploadOptions(partSize, partsInFlight, contentType, retry);
    }

    /** The largest object these options can stream: {@code partSize x 10,000}. */
    public long maxObjectSize() {
        return (long) partSize * MAX_PARTS;
    }
}
