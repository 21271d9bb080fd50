package io.stowage.s3.internal;

import io.stowage.s3.DownloadOptions;
import io.stowage.s3.ETags;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3Errors;
import io.stowage.s3.S3ListingFailedException;
import io.stowage.s3.S3Location;
import io.stowage.s3.TransferListener;
import io.stowage.s3.TransferReport;
import io.stowage.s3.S3UnsafeKeyException;
import io.stowage.s3.UploadOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One download run: a listing producer on the calling thread (folder by folder, flat pages, or the caller's keys),
 * then per object on a worker: the skip check against what is on disk, the {@link WholeGet} or {@link RangedGet}
 * protocol into a temporary file of the {@link LocalTarget}, verified ({@link DownloadVerification}), made durable
 * (in batches by {@link BatchedCommits}, or fsynced alone, see {@link DownloadOptions.Durability}) and renamed.
 * Counters, pools, shutdown and the report are {@link TransferRun}'s. Used once.
 */
public final class DownloadRun extends TransferRun {
    private static final Logger LOG = LoggerFactory.getLogger(DownloadRun.class);

    final DownloadOptions opts;
    private final S3Location source;
    private final Path root;
    final ObjectGet gets;
    private final WholeGet whole = new WholeGet(this);
    private final RangedGet ranged = new RangedGet(this);
    private LocalTarget local;
    /** How this file system folds names, probed at the start of the run. */
    private NameFolding folding = NameFolding.NONE;
    /** Where names fold: each local file's folded path, and the key that claimed it first. */
    private final java.util.Map<String, String> claims = new java.util.concurrent.ConcurrentHashMap<>();
    /** A key that claimed a local file another key maps to as well, and that other key: neither is written. */
    private final java.util.Map<String, String> collided = new java.util.concurrent.ConcurrentHashMap<>();

    public DownloadRun(S3Client s3, DownloadOptions opts, TransferListener listener, S3Location source, Path root,
                       Cancellation cancellation) {
        super(s3, opts.workers(), opts.retry(), opts.progressInterval(), listener, cancellation, "stowage-download");
        this.opts = opts;
        this.source = source;
        this.root = root.toAbsolutePath().normalize();
        this.gets = new ObjectGet(s3, direct, source.bucket());
    }

    /** Downloads every object under the prefix: folder by folder (delimiter listings) or in flat pages. */
    public TransferReport runPrefix() {
        boolean byFolder = opts.listing() == UploadOptions.Listing.BY_FOLDER;
        return run(() -> {
            java.util.Deque<String> pending = new java.util.ArrayDeque<>();
            pending.push(source.prefix());
            while (!pending.isEmpty()) {
                String prefix = pending.pop();
                List<String> subfolders = new ArrayList<>();
                ListingGuard guard = new ListingGuard(new S3Location(source.bucket(), prefix));
                String token = null;
                do {
                    cancellation.check();
                    String t = token;
                    ListingPage resp;
                    try {
                        resp = retrier.run(() -> cancellation.interruptible(() -> RemoteIndex.list(s3, direct,
                                source.bucket(), prefix, byFolder ? "/" : null, t))).value();
                    } catch (CancelledException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new S3ListingFailedException(source, S3Errors.describe(e), e);
                    }
                    listRequests.incrementAndGet();
                    guard.check(resp, t);   // a listing that would never end fails here
                    claimPage(resp.objects());
                    for (RemoteObject o : resp.objects()) {
                        offer(o);
                    }
                    subfolders.addAll(resp.prefixes());
                    token = resp.nextToken();
                } while (token != null);
                for (int i = subfolders.size() - 1; i >= 0; i--) {
                    pending.push(subfolders.get(i));   // depth first, in key order
                }
            }
        });
    }

    /** Downloads the given keys (each under the source prefix); sizes come from one HEAD per key. */
    public TransferReport runKeys(Iterator<String> keys) {
        return run(() -> {
            while (keys.hasNext()) {
                cancellation.check();
                String key = keys.next();
                if (!key.startsWith(source.prefix())) {
                    String rel = key;
                    failedFile(rel, key, 0, "key is not under the prefix " + source, null);
                    continue;
                }
                try {
                    SafePaths.resolve(root, key, source.relative(key));
                } catch (S3UnsafeKeyException e) {
                    tracker.found(0);
                    failedFile(source.relative(key), key, 0, e.getMessage(), null);
                    continue;
                } catch (InvalidPathException e) {
                    tracker.found(0);
                    failedFile(source.relative(key), key, 0, unrepresentable(e), null);
                    continue;
                }
                HeadObjectResponse h;
                try {
                    h = retrier.run(() -> s3.headObject(b -> b.bucket(source.bucket()).key(key))).value();
                } catch (CancelledException e) {
                    throw e;
                } catch (Exception e) {
                    failedFile(source.relative(key), key, 0, S3Errors.describe(e), null);
                    continue;
                }
                offer(new RemoteObject(key, h.contentLength() == null ? -1 : h.contentLength(),
                        ETags.unquote(h.eTag()), h.lastModified()));
            }
        });
    }

    /**
     * Where the file system folds names: claims the local files of a listing page before any of its objects is
     * started, so two keys of one page (a folder's siblings) that are one local file both fail and neither is written.
     */
    private void claimPage(List<RemoteObject> objects) {
        if (!folding.folds()) {
            return;
        }
        for (RemoteObject o : objects) {
            Path target;
            try {
                target = SafePaths.resolve(root, o.key(), source.relative(o.key()));
            } catch (RuntimeException e) {
                continue;   // refused in offer, with its reason
            }
            String first = claims.putIfAbsent(folding.fold(target.toString()), o.key());
            if (first != null && !first.equals(o.key())) {
                collided.put(first, o.key());
                collided.put(o.key(), first);
            }
        }
    }

    /** Why {@code key} is not written: {@code other} maps to the same local file on this file system. */
    private static String collision(String key, String other, Path target) {
        return "key '" + key + "' and key '" + other + "' map to the same local file " + target + " (this file"
                + " system does not tell names apart that differ only in case or Unicode normalization); neither is"
                + " written, as one would overwrite the other: download them to a case-sensitive file system";
    }

    /** Why a key's name cannot be a local file name here (a name the JVM's file name encoding cannot hold). */
    private static String unrepresentable(InvalidPathException e) {
        return "its name cannot be a local file name here (" + e.getReason() + "): " + LocalNames.localeHint();
    }

    private void offer(RemoteObject o) throws CancelledException {
        String rel = source.relative(o.key());
        if (o.key().endsWith("/") && o.size() == 0) {
            ignoredEntry(rel, o.key(), "folder marker (empty object ending in '/')");
            return;
        }
        tracker.found(Math.max(0, o.size()));
        if (o.size() < 0) {
            failedFile(rel, o.key(), 0, "the store gives a size of " + o.size() + " bytes for this object (a"
                    + " listing or HEAD that cannot be right); not downloaded", null);
            return;
        }
        Path target;
        try {
            target = SafePaths.resolve(root, o.key(), rel);
        } catch (S3UnsafeKeyException e) {
            failedFile(rel, o.key(), o.size(), e.getMessage(), null);
            return;
        } catch (InvalidPathException e) {
            failedFile(rel, o.key(), o.size(), unrepresentable(e), null);
            return;
        }
        if (folding.folds()) {
            String other = collided.get(o.key());   // found with its page: then neither is started
            if (other == null) {
                String first = claims.putIfAbsent(folding.fold(target.toString()), o.key());
                if (first != null && !first.equals(o.key())) {
                    collided.put(first, o.key());   // pages apart: the first fails too, unless already written
                    other = first;
                }
            }
            if (other != null) {
                failedFile(rel, o.key(), o.size(), collision(o.key(), other, target), null);
                return;
            }
        }
        inFlight.acquireSlot();
        inFlight.begin();
        try {
            workers.execute(() -> {
                try {
                    process(o, rel, target);
                } finally {
                    inFlight.releaseSlot();
                    inFlight.done();
                }
            });
        } catch (RuntimeException e) {
            inFlight.releaseSlot();
            inFlight.done();
            throw e;
        }
    }

    private void process(RemoteObject o, String rel, Path target) {
        if (cancellation.isCancelled()) {
            return;
        }
        try {
            local.sweepStaleTemps(target.getParent());
            BasicFileAttributes existing = attributesOrNull(target);
            if (alreadyThere(o, target, existing)) {
                skippedFile(rel, o.key(), o.size(), o.eTag(), "already present (" + opts.skip() + ")", null);
                return;
            }
            download(o, rel, target, existing);
        } catch (CancelledException e) {
            failedFile(rel, o.key(), o.size(), "cancelled before it was written", null);
        } catch (LocalFileException e) {
            failedFile(rel, o.key(), o.size(), e.getMessage(), null);
        } catch (Exception e) {
            failedFile(rel, o.key(), o.size(), cancellation.isCancelled() ? "cancelled before it was written"
                    : S3Errors.describe(e), null);
        } catch (Error e) {
            // never a file dropped silently: the run reports it failed (exit 3), and says so loudly
            LOG.error("internal error downloading {}: the file is not written", o.key(), e);
            failedFile(rel, o.key(), o.size(), "internal error: " + e, null);
        }
    }

    /** The target's attributes (not following links), or null when there is nothing there (or it is unreadable). */
    private static BasicFileAttributes attributesOrNull(Path target) {
        try {
            return Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;   // missing, or unreadable here: the download will say what is wrong
        }
    }

    private boolean alreadyThere(RemoteObject o, Path target, BasicFileAttributes a) throws LocalFileException {
        if (opts.skip() == DownloadOptions.Skip.NEVER || a == null) {
            return false;
        }
        if (!a.isRegularFile() || a.size() != o.size()) {
            return false;
        }
        if (opts.skip() == DownloadOptions.Skip.SAME_SIZE_AND_CHECKSUM && o.isSinglePartMd5()) {
            try {
                return Md5s.hex(Md5s.ofFile(target, 0, a.size())).equalsIgnoreCase(o.eTag());
            } catch (IOException e) {
                throw new LocalFileException("cannot read " + target + " for the checksum check: " + e, e);
            }
        }
        return true;
    }

    /**
     * Downloads into a temporary file, verifies it, then gives it its name and reports it, here or, with batched
     * durability, on the committing thread once its batch is on disk.
     */
    private void download(RemoteObject o, String rel, Path target, BasicFileAttributes existing)
            throws Exception {
        Path dir = target.getParent();
        local.createFolders(dir);
        if (existing != null && existing.isDirectory()) {
            throw new LocalFileException("cannot write " + target + ": a folder is in the way", null);
        }
        if (!opts.overwrite() && existing != null) {
            throw new LocalFileException(target + " exists and differs from the object (" + o.size()
                    + " bytes); left alone, overwriting is off (--force overwrites)", null);
        }
        Path temp = LocalTarget.tempFor(target);
        boolean moved = false;
        boolean batched = local.batched(dir);
        try {
            Retrier.Result<String> r;
            ObjectGet.Head[] head = new ObjectGet.Head[1];
            if (rangesHelp(o)) {
                r = ranged.get(o, temp, head, !batched);
            } else {
                r = retrier.run(() -> whole.get(o, temp, head, !batched));
            }
            String other = collided.get(o.key());
            if (other != null) {   // another key of this run maps to the same local file: neither gets it
                throw new LocalFileException(collision(o.key(), other, target), null);
            }
            LocalTarget.setMtime(temp, head[0], o);
            if (batched && local.submit(temp, target, o.size(),
                    () -> transferredFile(rel, o.key(), o.size(), r.attempts(), r.value(), null),
                    reason -> failedFile(rel, o.key(), o.size(), reason, null))) {
                moved = true;   // the committer owns the temporary file now
                return;
            }
            LocalTarget.commitHere(temp, target, batched);
            moved = true;
            transferredFile(rel, o.key(), o.size(), r.attempts(), r.value(), null);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    LOG.warn("could not delete temporary file {}: {}", temp, e.toString());
                }
            }
        }
    }

    /**
     * Ranges add streams only where workers would otherwise idle: a big object while fewer files are pending than
     * there are workers (one big file, the tail of a run). While every worker has a file, one GET per file costs less:
     * one stream per file, no writers contending for one file's lock, the checksum taken as it streams (measured:
     * 20 x 64 MiB with 16 workers, whole GETs used about 0.6 of the client CPU of four ranges each).
     */
    private boolean rangesHelp(RemoteObject o) {
        return o.size() >= opts.rangedThreshold()
                && (inFlight.pending() < opts.workers() || o.size() >= ALWAYS_RANGED_PARTS * opts.partSize());
    }

    /**
     * Objects of at least this many ranges always come as ranges: a failed request then costs one range again, not
     * the whole object (128 MiB with the default 16 MiB ranges).
     */
    static final int ALWAYS_RANGED_PARTS = 8;

    private TransferReport run(Producer producer) {
        local = new LocalTarget(root, opts.durability() == DownloadOptions.Durability.BATCHED, opts.workers());
        folding = NameFolding.probe(root);
        return execute(producer, "download from " + source);
    }

    @Override
    void release() {
        if (local != null && local.batchedCommits()) {
            awaitQuietly(workers);   // after a failed listing workers may still be finishing files
            local.close();           // what is complete and verified gets its name, even when cancelled
        }
    }
}
