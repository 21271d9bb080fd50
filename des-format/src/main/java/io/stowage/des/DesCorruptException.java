package io.stowage.des;

/**
 * The archive's bytes break the DES v1 structure: names the archive, the field that is wrong and its byte offset.
 *
 * <p>{@code "day.des: index_length 9223372036854775807 at offset 3461 exceeds the file size 3533; the archive is
 * truncated or not DES v1 (check the upload completed)"}
 *
 * <p>Immutable and thread-safe.
 */
public class DesCorruptException extends DesException {
    private static final long serialVersionUID = 1L;
    private final String archive;
    private final String field;
    private final long offset;

    public DesCorruptException(String archive, String field, long offset, String message) {
        super(archive + ": " + message);
        this.archive = archive;
        this.field = field;
        this.offset = offset;
    }

    /** The archive as the caller named it (path or URL). */
    public String archive() {
        return archive;
    }

    /** The field of DES-V1.md that is wrong, e.g. {@code "footer.index_length"}, {@code "index[3].data_offset"}. */
    public String field() {
        return field;
    }

    /** Absolute byte offset of the field in the archive, or -1 when it has none. */
    public long offset() {
        return offset;
    }
}
