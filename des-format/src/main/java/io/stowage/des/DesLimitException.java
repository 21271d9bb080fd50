package io.stowage.des;

/**
 * A value is over a limit of this implementation or of the format (META+INDEX over 2 GiB, an entry too big for one
 * buffer, a META over {@link DesIndex#MAX_META_BYTES}); nothing about the archive is wrong, but this operation cannot
 * be done as asked. The message names the value, the limit and the way around it.
 *
 * <p>{@code catch (DesLimitException e) { log.warn("{} {}: {} is {} (limit {})", e.archive(), e.entry(), e.field(),
 * e.value(), e.limit()); }}
 *
 * <p>Immutable and thread-safe.
 */
public final class DesLimitException extends DesException {
    private static final long serialVersionUID = 1L;
    private final String archive;
    private final String entry;
    private final String field;
    private final long value;
    private final long limit;

    /**
     * @param archive the archive as named (path or {@code s3://} URL), or null when not known yet
     * @param entry   the entry concerned, or null for the archive as a whole
     * @param field   what is over the limit, e.g. {@code "size"}, {@code "meta_length"}, {@code "tail_length"}
     * @param value   its value
     * @param limit   the largest value allowed
     * @param message the message: value, limit and what to do instead
     */
    public DesLimitException(String archive, String entry, String field, long value, long limit, String message) {
        super(message);
        this.archive = archive;
        this.entry = entry;
        this.field = field;
        this.value = value;
        this.limit = limit;
    }

    /** The archive as named (path or {@code s3://} URL), or null when not known. */
    public String archive() {
        return archive;
    }

    /** The entry concerned, or null for the archive as a whole. */
    public String entry() {
        return entry;
    }

    /** What is over the limit, e.g. {@code "size"}, {@code "meta_length"}, {@code "tail_length"}. */
    public String field() {
        return field;
    }

    /** The value found. */
    public long value() {
        return value;
    }

    /** The largest value allowed. */
    public long limit() {
        return limit;
    }
}
