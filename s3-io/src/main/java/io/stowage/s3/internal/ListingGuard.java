package io.stowage.s3.internal;

import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3ListingFailedException;
import io.stowage.s3.S3Location;

/**
 * Ends a paginated listing that would never end: a store that answers a continuation token with the same token, or
 * sends a truncated page with nothing after what it already listed (no key or common prefix greater than the greatest
 * so far), would be followed forever. One instance per listing (one prefix, one delimiter); costs one key comparison
 * per listed entry. Not thread-safe: the listing's one thread.
 *
 * <pre>{@code
 * ListingGuard guard = new ListingGuard(location);
 * do { page = list(token); guard.check(page, token); token = page.nextToken(); } while (token != null);
 * }</pre>
 */
public final class ListingGuard {
    private final S3Location location;
    /** The greatest key or common prefix listed so far (S3 order), or null. */
    private String greatest;

    public ListingGuard(S3Location location) {
        this.location = location;
    }

    /**
     * Checks the page the store answered to {@code sent} (null for the first page).
     *
     * @throws S3ListingFailedException if the listing makes no progress
     */
    public void check(ListingPage page, String sent) {
        String before = greatest;
        for (RemoteObject o : page.objects()) {
            raise(o.key());
        }
        for (String p : page.prefixes()) {
            raise(p);
        }
        String why = null;
        if (sent != null && sent.equals(page.nextToken())) {
            why = "the store answered continuation token '" + sent + "' with the same token (it would list forever)";
        } else if (sent != null && page.nextToken() != null && java.util.Objects.equals(before, greatest)) {
            why = "the store sent a truncated page with no key after '" + before + "' (it would list forever)";
        }
        if (why != null) {
            throw new S3ListingFailedException(location, why, null);
        }
    }

    private void raise(String key) {
        if (greatest == null || Utf8Order.compare(key, greatest) > 0) {
            greatest = key;
        }
    }
}
