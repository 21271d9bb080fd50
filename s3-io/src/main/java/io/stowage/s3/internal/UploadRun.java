package io.stowage.s3.internal;

import io.stowage.s3.FileTree;
import io.stowage.s3.LocalFile;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3Errors;
import io.stowage.s3.S3ListingFailedException;
import io.stowage.s3.S3Location;
import io.stowage.s3.SkipPolicy;
import io.stowage.s3.TransferListener;
import io.stowage.s3.TransferReport;
import io.stowage.s3.UploadItem;
import io.stowage.s3.UploadOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One upload run: a producer on the calling thread (a {@link FileTree} walk, the caller's {@link UploadItem}s, or a
 * list of paths) merged with the listing for the skip check, then per file on a worker: the skip decision, the
 * {@link SinglePut} or {@link MultipartPut} protocol, the check that the file did not change (a changed file is
 * deleted again and tried later). Counters, pools, shutdown and the report are {@link TransferRun}'s. Used once.
 *
 * <p>Each file's size and modification time are the ones its producer read (the walk's, or the caller's item): the
 * run does not stat a file before sending it, only after reading it (the unchanged check). A file tried again after
 * it changed is statted anew.
 */
public final class UploadRun extends TransferRun {
    private static final Logger LOG = LoggerFactory.getLogger(UploadRun.class);
    public static final String MTIME_METADATA = "mtime";

    final UploadOptions opts;
    final S3Location target;
    private final SkipPolicy policy;
    private final SinglePut single = new SinglePut(this);
    private final MultipartPut multipart = new MultipartPut(this);
    private RemoteIndex index;

    public UploadRun(S3Client s3, UploadOptions opts, SkipPolicy policy, TransferListener listener, S3Location target,
                     Cancellation cancellation) {
        super(s3, opts.workers(), opts.retry(), opts.progressInterval(), listener, cancellation, "stowage-upload");
        this.opts = opts;
        this.policy = policy;
        this.target = target;
    }

    /** Uploads the tree under {@code root}, walked in key order and merged with the listing page by page. */
    public TransferReport runTree(Path root) {
        return run(sink -> FileTree.walk(root, opts.selection(), target.prefix(), sink), true);
    }

    /** Uploads the caller's items, each under its own key; their order is free (the listing is loaded once). */
    public TransferReport runItems(Iterator<UploadItem> items) {
        return run(sink -> {
            while (items.hasNext()) {
                cancellation.check();
                UploadItem item = items.next();
                String key = item.key();
                String rel = key.startsWith(target.prefix()) && key.length() > target.prefix().length()
                        ? key.substring(target.prefix().length()) : key;
                offer(new LocalFile(item.path(), rel, key, item.size(), item.lastModified()), item);
            }
        }, false);
    }

    /** Uploads the given files, keyed relative to {@code root}; each is statted here. */
    public TransferReport runFiles(Path root, Iterator<Path> files) {
        Path base = root.toAbsolutePath().normalize();
        return run(sink -> {
            while (files.hasNext()) {
                cancellation.check();
                Path p = files.next();
                Path abs = p.isAbsolute() ? p : root.resolve(p);
                Path rel = base.relativize(abs.toAbsolutePath().normalize());
                String relText = FileTree.nfc(rel.toString().replace('\\', '/'));
                if (relText.isEmpty() || relText.startsWith("../") || relText.equals("..")) {
                    sink.onFailed(p.toString(), "not under the upload root " + root);
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(abs, BasicFileAttributes.class);
                } catch (IOException e) {
                    sink.onFailed(relText, UploadSource.describeLocal(e));
                    continue;
                }
                if (!a.isRegularFile()) {
                    sink.onIgnored(relText, a.isDirectory() ? "a folder, not a file" : "special file skipped");
                    continue;
                }
                sink.onFile(new LocalFile(abs, relText, target.key(relText), a.size(),
                        a.lastModifiedTime().toInstant()));
            }
        }, false);
    }

    private interface Source {
        void produce(FileTree.Visitor sink) throws CancelledException;
    }

    private TransferReport run(Source source, boolean sorted) {
        index = policy.needsListing()
                ? new RemoteIndex(s3, direct, target, listRequests, retrier, cancellation, sorted,
                        opts.listing() == UploadOptions.Listing.BY_FOLDER) : null;
        FileTree.Visitor visitor = new FileTree.Visitor() {
            @Override
            public void onFile(LocalFile file) {
                try {
                    offer(file, null);
                } catch (CancelledException e) {
                    throw new Stopped(e);
                }
            }

            @Override
            public void onIgnored(String relativePath, String reason) {
                ignoredEntry(relativePath, null, reason);
            }

            @Override
            public void onFailed(String relativePath, String reason) {
                failedFile(relativePath, null, 0, reason, null);
            }

            @Override
            public void onFoldersAhead(List<String> keyPrefixes) {
                if (index != null) {
                    index.foldersAhead(keyPrefixes);
                }
            }

            @Override
            public boolean isStopped() {
                return cancellation.isCancelled();
            }
        };
        return execute(() -> {
            try {
                source.produce(visitor);
            } catch (Stopped e) {
                throw (CancelledException) e.getCause();
            }
            cancellation.check();
        }, "upload to " + target);
    }

    @Override
    void release() {
        multipart.abortOpen();
        if (index != null) {
            index.close();
        }
    }

    /** Carries a cancellation out of the walk's visitor (whose methods throw no checked exceptions). */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped(CancelledException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** Looks the file up in the listing (when the policy needs one) and hands it to a worker. */
    private void offer(LocalFile file, UploadItem item) throws CancelledException {
        tracker.found(file.size());
        RemoteObject remote = null;
        if (index != null) {
            try {
                remote = index.find(file.key());
            } catch (CancelledException | S3ListingFailedException e) {
                throw e;
            } catch (Exception e) {
                throw new S3ListingFailedException(target, S3Errors.describe(e), e);
            }
        }
        submit(file, item, remote);
    }

    private void submit(LocalFile file, UploadItem item, RemoteObject remote) throws CancelledException {
        inFlight.acquireSlot();
        cancellation.check();
        inFlight.begin();
        try {
            workers.execute(() -> {
                try {
                    process(file, item, remote, 0);
                } finally {
                    inFlight.releaseSlot();
                }
            });
        } catch (RuntimeException e) {
            inFlight.releaseSlot();
            inFlight.done();
            throw e;
        }
    }

    private void process(LocalFile file, UploadItem item, RemoteObject remote, int changedTry) {
        boolean rescheduled = false;
        try {
            if (cancellation.isCancelled()) {
                return;
            }
            boolean skip;
            try {
                skip = changedTry == 0 && policy.skip(file, remote);
            } catch (IOException e) {
                fail(file, item, "cannot read the file for the skip check: " + UploadSource.describeLocal(e));
                return;
            }
            if (skip) {
                skippedFile(file.relativePath(), file.key(), file.size(), remote == null ? null : remote.eTag(),
                        "already in the store (" + policy + ")", item);
                return;
            }
            long[] sent = new long[1];
            try {
                Retrier.Result<String> r = upload(file, changedTry, sent);
                transferredFile(file.relativePath(), file.key(), sent[0], r.attempts(), r.value(), item);
            } catch (ChangedDuringTransferException e) {
                tracker.takeBack(sent[0]);
                if (changedTry < opts.changedRetries() && !cancellation.isCancelled()) {
                    LOG.info("{} changed during upload ({}); trying again in {} ms", file.relativePath(),
                            e.getMessage(), opts.changedRetryDelay().toMillis());
                    rescheduled = true;
                    timer.schedule(() -> {
                        try {
                            workers.execute(() -> process(file, item, remote, changedTry + 1));
                        } catch (RuntimeException rejected) {
                            inFlight.done();   // shutting down (cancelled)
                        }
                    }, opts.changedRetryDelay().toMillis(), TimeUnit.MILLISECONDS);
                } else {
                    fail(file, item, "changed during upload (tried " + (changedTry + 1) + " times): "
                            + e.getMessage() + "; not stored");
                }
            } catch (CancelledException e) {
                fail(file, item, "cancelled before it was stored");
            } catch (LocalFileException e) {
                fail(file, item, e.getMessage());
            } catch (Exception e) {
                fail(file, item, cancellation.isCancelled() ? "cancelled before it was stored" : S3Errors.describe(e));
            }
        } catch (RuntimeException e) {
            LOG.error("unexpected failure uploading {}", file.relativePath(), e);
            fail(file, item, "unexpected: " + e);
        } catch (Error e) {
            // never a file dropped silently: the run reports it failed (exit 3), and says so loudly
            LOG.error("internal error uploading {}: the file is not stored", file.relativePath(), e);
            fail(file, item, "internal error: " + e);
        } finally {
            if (!rescheduled) {
                inFlight.done();
            }
        }
    }

    private void fail(LocalFile file, UploadItem item, String reason) {
        failedFile(file.relativePath(), file.key(), file.size(), reason, item);
    }

    /**
     * Stores one file: size and time as its producer read them (first try) or as they are now (a try after it
     * changed), one of the two protocols, then the check that it did not change meanwhile.
     */
    private Retrier.Result<String> upload(LocalFile file, int changedTry, long[] sent) throws Exception {
        long size;
        FileTime m0;
        if (changedTry == 0) {
            size = file.size();
            m0 = FileTime.from(file.lastModified());
        } else {
            BasicFileAttributes a = UploadSource.stat(file.path());
            size = a.size();
            m0 = a.lastModifiedTime();
        }
        String contentType = ContentTypes.of(file.relativePath());
        Map<String, String> meta = Map.of(MTIME_METADATA, m0.toInstant().toString());
        Retrier.Result<String> r;
        if (size >= opts.multipartThreshold()) {
            r = multipart.put(file, size, m0, contentType, meta, sent);
        } else {
            r = retrier.run(() -> single.put(file, size, m0, contentType, meta));
            sent[0] = size;
        }
        try {
            UploadSource.checkUnchanged(file.path(), size, m0);
        } catch (ChangedDuringTransferException e) {
            deleteQuietly(file.key());
            throw e;
        }
        return r;
    }

    void deleteQuietly(String key) {
        try {
            s3.deleteObject(b -> b.bucket(target.bucket()).key(key));
        } catch (RuntimeException e) {
            LOG.warn("could not delete {} after its source changed: {}", key, e.toString());
        }
    }
}
