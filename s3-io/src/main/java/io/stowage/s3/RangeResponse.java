package io.stowage.s3;

import software.amazon.awssdk.http.Abortable;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * The answer to a ranged GET ({@link S3Objects#getRange(String, String, long, long, String)},
 * {@link S3Objects#getSuffix}): the body as a stream and what the store said about the object, so that a caller can
 * learn an object's size and ETag from the same request that reads its bytes (no HEAD first).
 *
 * <pre>{@code
 * try (RangeResponse r = objects.getSuffix("media", "day1/a.des", 64 * 1024, null)) {
 *     byte[] tail = r.body().readNBytes((int) r.length());
 *     long size = r.totalSize();   // from Content-Range
 *     String etag = r.eTag();      // pass it back as ifMatch to read the same version later
 * }
 * }</pre>
 *
 * <p>Not thread-safe: the body is one stream, for one reader. Close it (or {@link #abort()} it) when done.
 *
 * @param body         the bytes of the range (the whole object when the store ignored the range)
 * @param eTag         the object's ETag as the store sent it (quoted, the form {@code If-Match} takes back); null if
 *                     the store sent none. {@link ETags#unquote} gives the form {@link RemoteObject#eTag()} has
 * @param contentRange the {@code Content-Range} header as sent, e.g. {@code bytes 100-199/5000}; null when the store
 *                     answered with the whole object (no range)
 * @param start        offset of the body's first byte in the object; -1 when {@code contentRange} cannot be parsed
 * @param length       the body's length ({@code Content-Length}); -1 if the store did not say
 * @param totalSize    the object's size (from {@code Content-Range}, else the body's length when the whole object was
 *                     sent); -1 when {@code contentRange} cannot be parsed
 */
public record RangeResponse(InputStream body, String eTag, String contentRange, long start, long length,
                            long totalSize) implements Closeable {

    /** Closes the body; unread bytes of a pooled connection may be drained (use {@link #abort()} to drop them). */
    @Override
    public void close() throws IOException {
        body.close();
    }

    /** Drops the connection without reading the rest of the body (a large body that is not wanted). */
    public void abort() {
        if (body instanceof Abortable a) {
            a.abort();
        } else {
            try {
                body.close();
            } catch (IOException ignored) {
                // nothing was wanted from it
            }
        }
    }

    /**
     * Parses {@code bytes A-B/TOTAL} (or {@code bytes * /TOTAL}) into {@code [A, B, TOTAL]}; without a header the body
     * was the whole object of {@code bodyLength} bytes. {@code null} when the header cannot be parsed.
     */
    static long[] parseContentRange(String header, long bodyLength) {
        if (header == null || header.isBlank()) {
            return bodyLength < 0 ? null : new long[] {0, bodyLength - 1, bodyLength};
        }
        String h = header.trim();
        try {
            if (h.startsWith("bytes ")) {
                h = h.substring(6).trim();
            }
            int slash = h.indexOf('/');
            String range = h.substring(0, slash).trim();
            long total = Long.parseLong(h.substring(slash + 1).trim());
            if (range.equals("*")) {
                return new long[] {total, total - 1, total};
            }
            int dash = range.indexOf('-');
            return new long[] {Long.parseLong(range.substring(0, dash).trim()),
                Long.parseLong(range.substring(dash + 1).trim()), total};
        } catch (RuntimeException e) {
            return null;
        }
    }
}
