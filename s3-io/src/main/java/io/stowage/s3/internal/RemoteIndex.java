package io.stowage.s3.internal;

import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3Location;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers "what does the listing say about this key" for keys asked in ascending S3 order, by merging with the
 * listing page by page (memory: one page). If either side turns out not to be in order (a store that does not
 * sort, or keys asked out of order), it falls back to loading the whole listing into a map once, with a warning.
 *
 * <p>Not thread-safe: one caller thread.
 */
public final class RemoteIndex {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RemoteIndex.class);

    private final S3Client s3;
    private final S3Location location;
    private final AtomicLong listRequests;
    private final Retrier retrier;
    private final Cancellation cancellation;
    private final Deque<RemoteObject> page = new ArrayDeque<>();
    private String continuation;
    private boolean exhausted;
    private boolean started;
    private String lastRemote;
    private String lastAsked;
    private Map<String, RemoteObject> map;
    private final boolean byFolder;
    /** By-folder mode: the listed folders on the walk's current path, innermost first. */
    private final Deque<Folder> folders = new ArrayDeque<>();

    private record Folder(String prefix, Map<String, RemoteObject> objects) {}

    public RemoteIndex(S3Client s3, S3Location location, AtomicLong listRequests, Retrier retrier,
                       Cancellation cancellation, boolean sortedQueries, boolean byFolder) {
        this.s3 = s3;
        this.cancellation = cancellation;
        this.byFolder = byFolder && sortedQueries;
        this.location = location;
        this.listRequests = listRequests;
        this.retrier = retrier;
        if (!sortedQueries) {
            this.map = new HashMap<>();
        }
    }

    /** The listed object with this key, or null. */
    public RemoteObject find(String key) throws Exception {
        if (byFolder) {
            return findInFolder(key);
        }
        if (map == null && lastAsked != null && Utf8Order.compare(key, lastAsked) <= 0) {
            LOG.warn("keys were not asked in S3 order ('{}' after '{}'); loading the whole listing of {} instead",
                    key, lastAsked, location);
            loadAll();
        }
        lastAsked = key;
        if (map != null) {
            if (!started) {
                loadAll();
            }
            return map.get(key);
        }
        while (true) {
            while (!page.isEmpty()) {
                RemoteObject head = page.peekFirst();
                int c = Utf8Order.compare(head.key(), key);
                if (c < 0) {
                    page.pollFirst();
                } else if (c == 0) {
                    return page.pollFirst();
                } else {
                    return null;
                }
            }
            if (exhausted) {
                return null;
            }
            fetchPage();
            if (map != null) {
                return map.get(key);
            }
        }
    }

    /**
     * By-folder: keys come in depth-first key order, so the folders that can still be asked about are exactly the
     * ones on the current path; each is listed once (delimiter '/': only the objects directly in it) when first needed.
     */
    private RemoteObject findInFolder(String key) throws Exception {
        String dir = key.substring(0, key.lastIndexOf('/') + 1);
        while (!folders.isEmpty() && !dir.startsWith(folders.peekFirst().prefix())) {
            folders.pollFirst();
        }
        if (folders.isEmpty() || !folders.peekFirst().prefix().equals(dir)) {
            folders.addFirst(new Folder(dir, listFolder(dir)));
        }
        return folders.peekFirst().objects().get(key);
    }

    private Map<String, RemoteObject> listFolder(String dir) throws Exception {
        Map<String, RemoteObject> objects = new HashMap<>();
        String token = null;
        do {
            ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(location.bucket())
                    .prefix(dir).delimiter("/").maxKeys(1000);
            if (token != null) {
                req.continuationToken(token);
            }
            ListObjectsV2Response resp = retrier.run(() -> cancellation.interruptible(
                    () -> s3.listObjectsV2(req.build()))).value();
            listRequests.incrementAndGet();
            for (S3Object o : resp.contents()) {
                objects.put(o.key(), toRemote(o));
            }
            token = resp.isTruncated() != null && resp.isTruncated() ? resp.nextContinuationToken() : null;
        } while (token != null);
        return objects;
    }

    private void fetchPage() throws Exception {
        started = true;
        ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(location.bucket())
                .prefix(location.prefix()).maxKeys(1000);
        if (continuation != null) {
            req.continuationToken(continuation);
        }
        ListObjectsV2Response resp = retrier.run(() -> cancellation.interruptible(() -> s3.listObjectsV2(req.build()))).value();
        listRequests.incrementAndGet();
        for (S3Object o : resp.contents()) {
            if (lastRemote != null && Utf8Order.compare(o.key(), lastRemote) <= 0) {
                LOG.warn("the store listed '{}' after '{}' (not in S3 order); loading the whole listing of {}",
                        o.key(), lastRemote, location);
                loadAll();
                return;
            }
            lastRemote = o.key();
            page.addLast(toRemote(o));
        }
        continuation = resp.isTruncated() != null && resp.isTruncated() ? resp.nextContinuationToken() : null;
        exhausted = continuation == null;
    }

    private void loadAll() throws Exception {
        started = true;
        map = new HashMap<>();
        page.clear();
        String token = null;
        do {
            ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(location.bucket())
                    .prefix(location.prefix()).maxKeys(1000);
            if (token != null) {
                req.continuationToken(token);
            }
            ListObjectsV2Response resp = retrier.run(() -> cancellation.interruptible(() -> s3.listObjectsV2(req.build()))).value();
            listRequests.incrementAndGet();
            for (S3Object o : resp.contents()) {
                map.put(o.key(), toRemote(o));
            }
            token = resp.isTruncated() != null && resp.isTruncated() ? resp.nextContinuationToken() : null;
        } while (token != null);
        exhausted = true;
    }

    public static RemoteObject toRemote(S3Object o) {
        return new RemoteObject(o.key(), o.size() == null ? -1 : o.size(), Md5s.unquote(o.eTag()), o.lastModified());
    }
}
