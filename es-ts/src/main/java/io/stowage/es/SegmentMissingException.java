package io.stowage.es;

/**
 * A segment key has no object in the store. {@link EsToTsParser} reports such keys in
 * {@link EsFetchReport#missing()} (a gap, not a failure of the run); it is thrown only by direct store reads.
 *
 * <p>Immutable and thread-safe.
 */
public final class SegmentMissingException extends EsStoreException {
    private static final long serialVersionUID = 1L;

    public SegmentMissingException(String key, String where) {
        super(key, "segment " + key + " does not exist in " + where
                + " (recorder down, or wrong prefix / segment duration)", false, null);
    }
}
