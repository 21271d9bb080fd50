package io.stowage.es;

/**
 * A segment key has no object in the store. {@link EsToTsParser} reports such keys in
 * {@link EsFetchReport#missing()} (a gap, not a failure of the run); it is thrown only by direct store reads.
 *
 * <p>{@code catch (EsSegmentMissingException e) { gaps.add(e.key()); }}; immutable and thread-safe.
 */
public final class EsSegmentMissingException extends EsStoreException {
    private static final long serialVersionUID = 1L;
    private final String where;

    /**
     * @param key   the segment key relative to the store
     * @param where the store's location (e.g. {@code s3://cams/cam-01/} or a folder)
     */
    public EsSegmentMissingException(String key, String where) {
        super(key, "segment " + key + " does not exist in " + where
                + " (recorder down, or wrong prefix / segment duration)", false, null);
        this.where = where;
    }

    /** The location of the store that lacks the key. */
    public String where() {
        return where;
    }
}
