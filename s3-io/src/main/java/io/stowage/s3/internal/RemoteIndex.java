package io.stowage.s3.internal;

import io.stowage.s3.ETags;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3Location;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import software.amazon.awssdk.services.s3.model.CommonPrefix;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers "what does the listing say about this key" for keys asked in ascending S3 order, by merging with the
 * listing page by page (memory: one page). If either side turns out not to be in order (a store that does not
 * sort, or keys asked out of order), it falls back to loading the whole listing into a map once, with a warning.
 *
 * <p>Not thread-safe: one caller thread.
 */
public final class RemoteIndex implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RemoteIndex.class);

    private final S3Client s3;
    private final DirectS3 direct;
    private final S3Location location;
    private final AtomicLong listRequests;
    private final Retrier retrier;
    private final Cancellation cancellation;
    private final Deque<RemoteObject> page = new ArrayDeque<>();
    private String continuation;
    /** Ends the page-by-page listing if the store would list forever. */
    private final ListingGuard pageGuard;
    private boolean exhausted;
    private boolean started;
    private String lastRemote;
    private String lastAsked;
    private Map<String, RemoteObject> map;
    private final boolean byFolder;
    /** By-folder mode: the listed folders on the walk's current path, innermost first. */
    private final Deque<Folder> folders = new ArrayDeque<>();
    /**
     * By-folder mode: folders the walk announced and has not reached, not being listed yet; and those being listed
     * (or listed) ahead. Both in key order, which is the walk's order. Touched by the walk's thread only; the listings
     * run on {@link #aheadPool}.
     */
    private final java.util.TreeSet<String> hinted = new java.util.TreeSet<>(Utf8Order::compare);
    private final java.util.TreeMap<String, Future<Map<String, RemoteObject>>> ahead =
            new java.util.TreeMap<>(Utf8Order::compare);
    /** The folder the walk asked about last: everything before it in key order is entered or passed. */
    private String walkedTo = "";
    private ExecutorService aheadPool;
    /** Folder listings in flight or waiting to be used, at most (the skip check's parallelism, as rclone's checkers). */
    static final int AHEAD = 16;

    private record Folder(String prefix, Map<String, RemoteObject> objects) {}

    public RemoteIndex(S3Client s3, DirectS3 direct, S3Location location, AtomicLong listRequests, Retrier retrier,
                       Cancellation cancellation, boolean sortedQueries, boolean byFolder) {
        this.s3 = s3;
        this.direct = direct;
        this.cancellation = cancellation;
        this.byFolder = byFolder && sortedQueries;
        this.location = location;
        this.pageGuard = new ListingGuard(location);
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
            walkedTo = dir;
            Future<Map<String, RemoteObject>> f = ahead.remove(dir);
            dropPassed(dir);
            folders.addFirst(new Folder(dir, f != null ? Futures.await(f) : listFolder(dir)));
            startAhead();
        }
        return folders.peekFirst().objects().get(key);
    }

    /**
     * By-folder mode: the walk will enter these folders (key prefixes); the {@link #AHEAD} nearest ones ahead of the
     * walk are listed on other threads, so the skip check of a tree of many folders does not wait for one listing
     * at a time.
     */
    public void foldersAhead(List<String> prefixes) {
        if (!byFolder) {
            return;
        }
        for (String p : prefixes) {
            if (Utf8Order.compare(p, walkedTo) > 0 && !ahead.containsKey(p)) {
                hinted.add(p);
            }
        }
        startAhead();
    }

    /**
     * Starts the nearest hinted folders while fewer than {@link #AHEAD} listings are ahead of the walk (a folder the
     * walk went into without asking for it, one holding only folders, no longer counts). A listing is never
     * cancelled to make room: it may have been answered already, and listing that folder again would cost a request.
     */
    private void startAhead() {
        while (!hinted.isEmpty() && ahead.tailMap(walkedTo, false).size() < AHEAD) {
            String next = hinted.pollFirst();
            if (aheadPool == null) {
                aheadPool = Executors.newFixedThreadPool(AHEAD / 2, r -> {
                    Thread t = new Thread(r, "stowage-listing-ahead");
                    t.setDaemon(true);
                    return t;
                });
            }
            ahead.put(next, aheadPool.submit(() -> listFolder(next)));
        }
    }

    /** Folders before {@code dir} in key order that are not above it: the walk has passed them for good. */
    private void dropPassed(String dir) {
        for (Iterator<Map.Entry<String, Future<Map<String, RemoteObject>>>> it = ahead.headMap(dir).entrySet()
                .iterator(); it.hasNext(); ) {
            Map.Entry<String, Future<Map<String, RemoteObject>>> e = it.next();
            if (!dir.startsWith(e.getKey())) {
                e.getValue().cancel(true);
                it.remove();
            }
        }
        hinted.headSet(dir, true).clear();   // entered, passed, or above the walk (its listing is no longer ahead)
    }

    /** Stops the listings ahead that nobody will use. */
    @Override
    public void close() {
        ahead.values().forEach(f -> f.cancel(true));
        ahead.clear();
        hinted.clear();
        if (aheadPool != null) {
            aheadPool.shutdownNow();
        }
    }

    private Map<String, RemoteObject> listFolder(String dir) throws Exception {
        Map<String, RemoteObject> objects = new HashMap<>();
        ListingGuard guard = new ListingGuard(new S3Location(location.bucket(), dir));
        String token = null;
        do {
            String t = token;
            ListingPage resp = retrier.run(() -> cancellation.interruptible(
                    () -> list(s3, direct, location.bucket(), dir, "/", t))).value();
            listRequests.incrementAndGet();
            guard.check(resp, t);
            for (RemoteObject o : resp.objects()) {
                objects.put(o.key(), o);
            }
            token = resp.nextToken();
        } while (token != null);
        return objects;
    }

    private void fetchPage() throws Exception {
        started = true;
        String t = continuation;
        ListingPage resp = retrier.run(() -> cancellation.interruptible(
                () -> list(s3, direct, location.bucket(), location.prefix(), null, t))).value();
        listRequests.incrementAndGet();
        pageGuard.check(resp, t);
        for (RemoteObject o : resp.objects()) {
            if (lastRemote != null && Utf8Order.compare(o.key(), lastRemote) <= 0) {
                LOG.warn("the store listed '{}' after '{}' (not in S3 order); loading the whole listing of {}",
                        o.key(), lastRemote, location);
                loadAll();
                return;
            }
            lastRemote = o.key();
            page.addLast(o);
        }
        continuation = resp.nextToken();
        exhausted = continuation == null;
    }

    private void loadAll() throws Exception {
        started = true;
        map = new HashMap<>();
        page.clear();
        ListingGuard guard = new ListingGuard(location);
        String token = null;
        do {
            String t = token;
            ListingPage resp = retrier.run(() -> cancellation.interruptible(
                    () -> list(s3, direct, location.bucket(), location.prefix(), null, t))).value();
            listRequests.incrementAndGet();
            guard.check(resp, t);
            for (RemoteObject o : resp.objects()) {
                map.put(o.key(), o);
            }
            token = resp.nextToken();
        } while (token != null);
        exhausted = true;
    }

    /** One listing page of up to 1,000 keys, through the direct path when there is one, else the SDK. */
    public static ListingPage list(S3Client s3, DirectS3 direct, String bucket, String prefix, String delimiter,
                                        String token) {
        if (direct != null) {
            return direct.list(bucket, prefix, delimiter, token, 1000);
        }
        ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).maxKeys(1000);
        if (delimiter != null) {
            req.delimiter(delimiter);
        }
        if (token != null) {
            req.continuationToken(token);
        }
        ListObjectsV2Response resp = s3.listObjectsV2(req.build());
        List<RemoteObject> objects = new ArrayList<>(resp.contents().size());
        for (S3Object o : resp.contents()) {
            objects.add(toRemote(o));
        }
        List<String> prefixes = new ArrayList<>();
        for (CommonPrefix cp : resp.commonPrefixes()) {
            prefixes.add(cp.prefix());
        }
        return new ListingPage(objects, prefixes,
                resp.isTruncated() != null && resp.isTruncated() ? resp.nextContinuationToken() : null);
    }

    public static RemoteObject toRemote(S3Object o) {
        return new RemoteObject(o.key(), o.size() == null ? -1 : o.size(), ETags.unquote(o.eTag()), o.lastModified());
    }
}
