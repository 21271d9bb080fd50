package io.stowage.s3.internal;

import io.stowage.s3.S3Errors;
import io.stowage.s3.ETags;
import io.stowage.s3.FileOutcome;
import io.stowage.s3.FileTree;
import io.stowage.s3.LocalFile;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3Location;
import io.stowage.s3.SkipPolicy;
import io.stowage.s3.TransferListener;
import io.stowage.s3.TransferReport;
import io.stowage.s3.UploadOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * One upload run: a scanning producer (this thread), a bounded hand-off to {@code workers} file threads, and a
 * shared pool of part threads for multipart uploads. Used once.
 */
public final class UploadRun {
    private static final Logger LOG = LoggerFactory.getLogger(UploadRun.class);
    /** Files up to this size are read into memory once (hash and send the same bytes). */
    static final int IN_MEMORY_LIMIT = 1 << 20;
    public static final String MTIME_METADATA = "mtime";

    private final S3Client s3;
    private final UploadOptions opts;
    private final SkipPolicy policy;
    private final TransferListener listener;
    private final S3Location target;
    private final Cancellation cancellation;
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong listRequests = new AtomicLong();
    private final Retrier retrier;
    private final ProgressTracker tracker = new ProgressTracker();
    private final AtomicLong transferred = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong bytesTransferred = new AtomicLong();
    private final AtomicLong bytesSkipped = new AtomicLong();
    private final ConcurrentLinkedQueue<TransferReport.Failure> failures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<TransferReport.Failure> ignored = new ConcurrentLinkedQueue<>();
    private final Map<String, String> openMultipart = new ConcurrentHashMap<>();
    private final InFlight inFlight;
    private final ExecutorService workers;
    private final ExecutorService parts;
    private final ScheduledExecutorService timer;
    /** The lean data path for S3-compatible endpoints, or null: the SDK client sends everything. */
    private final DirectS3 direct;

    public UploadRun(S3Client s3, UploadOptions opts, SkipPolicy policy, TransferListener listener, S3Location target,
                     Cancellation cancellation) {
        this.s3 = s3;
        this.opts = opts;
        this.policy = policy;
        this.listener = listener;
        this.target = target;
        this.cancellation = cancellation;
        this.retrier = new Retrier(opts.retry(), retries, cancellation);
        this.inFlight = new InFlight(opts.workers() * 2, cancellation);
        this.workers = Executors.newFixedThreadPool(opts.workers(), threads("stowage-upload"));
        this.parts = Executors.newFixedThreadPool(opts.workers(), threads("stowage-upload-part"));
        this.timer = Executors.newSingleThreadScheduledExecutor(threads("stowage-upload-timer"));
        this.direct = DirectS3.forClient(s3, opts.workers() * 2).orElse(null);
    }

    static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Uploads the tree under {@code root}. */
    public TransferReport runTree(Path root) {
        return run(sink -> FileTree.walk(root, opts.selection(), target.prefix(), sink), true);
    }

    /** Uploads the given files, keyed relative to {@code root}. */
    public TransferReport runFiles(Path root, Iterator<Path> files) {
        return run(sink -> {
            while (files.hasNext()) {
                cancellation.check();
                Path p = files.next();
                Path abs = p.isAbsolute() ? p : root.resolve(p);
                Path rel = root.toAbsolutePath().normalize().relativize(abs.toAbsolutePath().normalize());
                String relText = FileTree.nfc(rel.toString().replace('\\', '/'));
                if (relText.isEmpty() || relText.startsWith("../") || relText.equals("..")) {
                    sink.onFailed(p.toString(), "not under the upload root " + root);
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(abs, BasicFileAttributes.class);
                } catch (IOException e) {
                    sink.onFailed(relText, describeLocal(e));
                    continue;
                }
                if (!a.isRegularFile()) {
                    sink.onIgnored(relText, a.isDirectory() ? "a folder, not a file" : "special file skipped");
                    continue;
                }
                sink.onFile(new LocalFile(abs, relText, target.key(relText), a.size(), a.lastModifiedTime().toInstant()));
            }
        }, false);
    }

    private interface Source {
        void produce(FileTree.Visitor sink) throws CancelledException;
    }

    private TransferReport run(Source source, boolean sorted) {
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        Future<?> progress = timer.scheduleAtFixedRate(() -> safe(() -> listener.onProgress(tracker.snapshot())),
                opts.progressInterval().toMillis(), opts.progressInterval().toMillis(), TimeUnit.MILLISECONDS);
        RemoteIndex index = policy.needsListing()
                ? new RemoteIndex(s3, direct, target, listRequests, retrier, cancellation, sorted,
                        opts.listing() == UploadOptions.Listing.BY_FOLDER) : null;
        try {
            source.produce(new FileTree.Visitor() {
                @Override
                public void onFile(LocalFile file) {
                    tracker.found(file.size());
                    RemoteObject remote = null;
                    if (index != null) {
                        try {
                            remote = index.find(file.key());
                        } catch (CancelledException e) {
                            throw new Stopped(e);
                        } catch (Exception e) {
                            throw new ListingFailedException("cannot list " + target + ": " + S3Errors.describe(e), e);
                        }
                    }
                    try {
                        submit(file, remote);
                    } catch (CancelledException e) {
                        throw new Stopped(e);
                    }
                }

                @Override
                public void onIgnored(String relativePath, String reason) {
                    ignored.add(new TransferReport.Failure(relativePath, null, reason));
                }

                @Override
                public void onFailed(String relativePath, String reason) {
                    fail(relativePath, null, 0, 0, reason);
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
            });
            cancellation.check();
            tracker.scanComplete();
            inFlight.awaitAll();
        } catch (CancelledException | Stopped e) {
            LOG.info("upload to {} cancelled", target);
        } finally {
            if (cancellation.isCancelled()) {
                // parts are interrupted (their upload is aborted below); a whole-object request already on the
                // wire is let finish, so the report says exactly what was stored
                parts.shutdownNow();
                workers.shutdown();
                awaitQuietly(parts);
                awaitQuietly(workers);
            } else {
                workers.shutdown();
                parts.shutdown();
            }
            abortOpenMultipart();
            if (index != null) {
                index.close();
            }
            progress.cancel(false);
            timer.shutdownNow();
            if (direct != null) {
                direct.close();
            }
        }
        safe(() -> listener.onProgress(tracker.snapshot()));
        return new TransferReport(transferred.get(), skipped.get(), failed.get(), bytesTransferred.get(),
                bytesSkipped.get(), retries.get(), listRequests.get(), startedAt,
                Duration.ofNanos(System.nanoTime() - t0), cancellation.isCancelled(), new ArrayList<>(failures),
                new ArrayList<>(ignored));
    }

    /** Thrown out of the scan when the listing fails for good: the run cannot decide what to skip. */
    public static final class ListingFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ListingFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Carries a cancellation out of the walk's visitor (whose methods throw no checked exceptions). */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped(CancelledException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private static void awaitQuietly(ExecutorService e) {
        try {
            e.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void submit(LocalFile file, RemoteObject remote) throws CancelledException {
        inFlight.acquireSlot();
        cancellation.check();
        inFlight.begin();
        try {
            workers.execute(() -> {
                try {
                    process(file, remote, 0);
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

    private void process(LocalFile file, RemoteObject remote, int changedTry) {
        boolean rescheduled = false;
        try {
            if (cancellation.isCancelled()) {
                return;
            }
            boolean skip;
            try {
                skip = changedTry == 0 && policy.skip(file, remote);
            } catch (IOException e) {
                fail(file.relativePath(), file.key(), file.size(), 0,
                        "cannot read the file for the skip check: " + describeLocal(e));
                return;
            }
            if (skip) {
                skipped.incrementAndGet();
                bytesSkipped.addAndGet(file.size());
                tracker.accounted(file.size());
                tracker.fileDone(false);
                outcome(new FileOutcome(file.relativePath(), file.key(), FileOutcome.Status.SKIPPED, file.size(), 0,
                        remote == null ? null : remote.eTag(), "already in the store (" + policy + ")"));
                return;
            }
            long[] sent = new long[1];
            try {
                Retrier.Result<String> r = uploadFile(file, sent);
                transferred.incrementAndGet();
                bytesTransferred.addAndGet(sent[0]);
                tracker.fileDone(false);
                outcome(new FileOutcome(file.relativePath(), file.key(), FileOutcome.Status.TRANSFERRED, sent[0],
                        r.attempts(), r.value(), null));
            } catch (ChangedDuringTransferException e) {
                tracker.takeBack(sent[0]);
                if (changedTry < opts.changedRetries() && !cancellation.isCancelled()) {
                    LOG.info("{} changed during upload ({}); trying again in {} ms", file.relativePath(),
                            e.getMessage(), opts.changedRetryDelay().toMillis());
                    rescheduled = true;
                    timer.schedule(() -> {
                        try {
                            workers.execute(() -> process(file, remote, changedTry + 1));
                        } catch (RuntimeException rejected) {
                            inFlight.done();   // shutting down (cancelled)
                        }
                    }, opts.changedRetryDelay().toMillis(), TimeUnit.MILLISECONDS);
                } else {
                    fail(file.relativePath(), file.key(), file.size(), 0, "changed during upload (tried "
                            + (changedTry + 1) + " times): " + e.getMessage() + "; not stored");
                }
            } catch (CancelledException e) {
                fail(file.relativePath(), file.key(), file.size(), 0, "cancelled before it was stored");
            } catch (LocalFileException e) {
                fail(file.relativePath(), file.key(), file.size(), 0, e.getMessage());
            } catch (Exception e) {
                if (cancellation.isCancelled()) {
                    fail(file.relativePath(), file.key(), file.size(), 0, "cancelled before it was stored");
                } else {
                    fail(file.relativePath(), file.key(), file.size(), 0, S3Errors.describe(e));
                }
            }
        } catch (RuntimeException e) {
            LOG.error("unexpected failure uploading {}", file.relativePath(), e);
            fail(file.relativePath(), file.key(), file.size(), 0, "unexpected: " + e);
        } finally {
            if (!rescheduled) {
                inFlight.done();
            }
        }
    }

    private void fail(String path, String key, long size, int attempts, String reason) {
        failed.incrementAndGet();
        failures.add(new TransferReport.Failure(path, key, reason));
        tracker.accounted(size);
        tracker.fileDone(true);
        outcome(new FileOutcome(path, key, FileOutcome.Status.FAILED, size, attempts, null, reason));
    }

    private void outcome(FileOutcome o) {
        safe(() -> listener.onFile(o));
    }

    /** Runs a listener call; a listener's exception is logged, never allowed to end a transfer. */
    static void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("transfer listener failed: {}", e.toString());
        }
    }

    static String describeLocal(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "file not found: " + e.getMessage() + " (deleted while uploading?)";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + e.getMessage();
        }
        return "cannot read: " + e;
    }

    private static BasicFileAttributes stat(Path p) throws LocalFileException {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                throw new LocalFileException(p + " is no longer a regular file", null);
            }
            return a;
        } catch (IOException e) {
            throw new LocalFileException(describeLocal(e), e);
        }
    }

    private static void checkUnchanged(Path p, long size, FileTime mtime) throws LocalFileException,
            ChangedDuringTransferException {
        BasicFileAttributes now = stat(p);
        if (now.size() != size || !now.lastModifiedTime().equals(mtime)) {
            throw new ChangedDuringTransferException("size " + size + " -> " + now.size() + ", modified "
                    + mtime + " -> " + now.lastModifiedTime());
        }
    }

    private Retrier.Result<String> uploadFile(LocalFile file, long[] sent) throws Exception {
        BasicFileAttributes a0 = stat(file.path());
        long size = a0.size();
        FileTime m0 = a0.lastModifiedTime();
        String contentType = ContentTypes.of(file.relativePath());
        Map<String, String> meta = Map.of(MTIME_METADATA, m0.toInstant().toString());
        Retrier.Result<String> r;
        if (size >= opts.multipartThreshold()) {
            r = multipart(file, size, m0, contentType, meta, sent);
        } else {
            r = retrier.run(() -> putSingle(file, size, m0, contentType, meta));
            sent[0] = size;
        }
        try {
            checkUnchanged(file.path(), size, m0);
        } catch (ChangedDuringTransferException e) {
            deleteQuietly(file.key());
            throw e;
        }
        return r;
    }

    private String putSingle(LocalFile file, long size, FileTime m0, String contentType, Map<String, String> meta)
            throws Exception {
        // small files are read once, hashed and sent from memory; bigger ones are hashed, then streamed, and carry
        // their CRC-32C in metadata (same pass), so a ranged download verifies them as its ranges stream
        byte[] bytes = size <= IN_MEMORY_LIMIT ? readExactly(file.path(), size) : null;
        byte[] md5;
        Map<String, String> metadata = meta;
        if (bytes != null) {
            md5 = Md5s.newDigest().digest(bytes);
        } else {
            CRC32C crc = new CRC32C();
            md5 = localMd5(file.path(), 0, size, crc);
            metadata = new java.util.HashMap<>(meta);
            metadata.put(Crc32cs.METADATA, Crc32cs.hex((int) crc.getValue()));
        }
        checkUnchanged(file.path(), size, m0);
        ProgressBody progress = new ProgressBody();
        try {
            String eTag = ETags.unquote(sendSingle(file, size, bytes, md5, contentType, metadata, progress));
            String expected = Md5s.hex(md5);
            if (ETags.isPlainMd5(eTag) && !eTag.equalsIgnoreCase(expected)) {
                throw new ChecksumMismatchException("the store's ETag " + eTag + " differs from the local MD5 "
                        + expected + " of " + file.relativePath());
            }
            if (bytes != null) {
                tracker.transferred(size);   // an in-memory body counts once stored; a streamed one as it is sent
            }
            return eTag;
        } catch (Exception e) {
            progress.takeBack();   // this attempt failed (a wrong ETag too): its bytes are sent again or never count
            throw e;
        }
    }

    /** One PUT of a whole file, from {@code bytes} or streamed from disk through {@code progress}; its raw ETag. */
    private String sendSingle(LocalFile file, long size, byte[] bytes, byte[] md5, String contentType,
                              Map<String, String> meta, ProgressBody progress) throws Exception {
        if (direct != null) {
            DirectS3.Body b = bytes != null ? () -> new java.io.ByteArrayInputStream(bytes)
                    : () -> progress.count(new RangeInputStream(file.path(), 0, size));
            try {
                return direct.putObject(target.bucket(), file.key(), size, Md5s.base64(md5), contentType, meta, b);
            } catch (DirectS3.BodyReadException e) {
                throw local(e);
            }
        }
        RequestBody body = bytes != null ? RequestBody.fromBytes(bytes)
                : RequestBody.fromContentProvider(() -> progress.count(open(file.path(), 0, size)), size, contentType);
        return s3.putObject(b -> b.bucket(target.bucket()).key(file.key()).contentLength(size)
                .contentMD5(Md5s.base64(md5)).contentType(contentType).metadata(meta), body).eTag();
    }

    /**
     * Counts a streamed single-PUT body into the progress as its bytes are read for sending, so a 100 MiB file moves
     * the progress bar while it uploads instead of at its end. A new stream of the same body (a resend) first takes
     * back what the previous one counted; a failed attempt takes back everything it counted.
     */
    private final class ProgressBody {
        private final AtomicLong counted = new AtomicLong();

        InputStream count(InputStream in) {
            takeBack();
            return new java.io.FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    if (n > 0) {
                        counted.addAndGet(n);
                        tracker.transferred(n);
                    }
                    return n;
                }

                @Override
                public int read() throws IOException {
                    int c = in.read();
                    if (c >= 0) {
                        counted.incrementAndGet();
                        tracker.transferred(1);
                    }
                    return c;
                }
            };
        }

        void takeBack() {
            tracker.takeBack(counted.getAndSet(0));
        }
    }

    /** The local cause of a failed request body: a changed file (tried again later) or a local read failure. */
    private static Exception local(DirectS3.BodyReadException e) {
        IOException c = e.getCause();
        if (c instanceof ChangedDuringTransferException changed) {
            return changed;
        }
        return new LocalFileException(describeLocal(c), c);
    }

    private static InputStream open(Path p, long offset, long length) {
        try {
            return new RangeInputStream(p, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readExactly(Path p, long size) throws LocalFileException, ChangedDuringTransferException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] bytes = in.readNBytes((int) size);
            if (bytes.length != size || in.read() >= 0) {
                throw new ChangedDuringTransferException("size changed from " + size + " while reading");
            }
            return bytes;
        } catch (ChangedDuringTransferException e) {
            throw e;
        } catch (IOException e) {
            throw new LocalFileException(describeLocal(e), e);
        }
    }

    private static byte[] localMd5(Path p, long offset, long length) throws LocalFileException,
            ChangedDuringTransferException {
        return localMd5(p, offset, length, null);
    }

    private static byte[] localMd5(Path p, long offset, long length, CRC32C alsoCrc) throws LocalFileException,
            ChangedDuringTransferException {
        try {
            return Md5s.ofFile(p, offset, length, alsoCrc);
        } catch (ChangedDuringTransferException e) {
            throw e;
        } catch (IOException e) {
            throw new LocalFileException(describeLocal(e), e);
        }
    }

    private Retrier.Result<String> multipart(LocalFile file, long size, FileTime m0, String contentType,
                                             Map<String, String> meta, long[] sent) throws Exception {
        long partSize = opts.partSizeFor(size);
        int n = (int) ((size + partSize - 1) / partSize);
        Retrier.Result<String> created = retrier.run(() -> s3.createMultipartUpload(b -> b.bucket(target.bucket())
                .key(file.key()).contentType(contentType).metadata(meta)).uploadId());
        String uploadId = created.value();
        openMultipart.put(uploadId, file.key());
        AtomicInteger attempts = new AtomicInteger(created.attempts());
        byte[][] md5s = new byte[n][];
        String[] eTags = new String[n];
        List<Future<?>> futures = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                int partNumber = i + 1;
                long off = i * partSize;
                long len = Math.min(partSize, size - off);
                futures.add(parts.submit(() -> {
                    Retrier.Result<String> pr = retrier.run(() -> {
                        byte[] md5 = localMd5(file.path(), off, len);
                        String rawETag;
                        if (direct != null) {
                            try {
                                rawETag = direct.uploadPart(target.bucket(), file.key(), uploadId, partNumber, len,
                                        Md5s.base64(md5), () -> new RangeInputStream(file.path(), off, len));
                            } catch (DirectS3.BodyReadException e) {
                                throw local(e);
                            }
                        } else {
                            rawETag = s3.uploadPart(b -> b.bucket(target.bucket()).key(file.key())
                                            .uploadId(uploadId).partNumber(partNumber).contentLength(len)
                                            .contentMD5(Md5s.base64(md5)),
                                    RequestBody.fromContentProvider(() -> open(file.path(), off, len), len,
                                            contentType)).eTag();
                        }
                        if (Thread.currentThread().isInterrupted()) {
                            throw new CancelledException();   // as the SDK does after an interrupted request
                        }
                        String eTag = ETags.unquote(rawETag);
                        if (ETags.isPlainMd5(eTag) && !eTag.equalsIgnoreCase(Md5s.hex(md5))) {
                            throw new ChecksumMismatchException("part " + partNumber + " ETag " + eTag
                                    + " differs from the local MD5 " + Md5s.hex(md5));
                        }
                        md5s[partNumber - 1] = md5;
                        return rawETag;
                    });
                    eTags[partNumber - 1] = pr.value();
                    attempts.addAndGet(pr.attempts() - 1);
                    synchronized (sent) {
                        sent[0] += len;
                    }
                    tracker.transferred(len);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    Futures.await(f);
                } catch (Exception e) {
                    for (Future<?> other : futures) {
                        other.cancel(true);
                    }
                    throw e;
                }
            }
            checkUnchanged(file.path(), size, m0);
            String expected = Md5s.multipartETag(md5s);
            List<CompletedPart> completed = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                completed.add(CompletedPart.builder().partNumber(i + 1).eTag(eTags[i]).build());
            }
            int[] tries = new int[1];
            Retrier.Result<String> done = retrier.run(() -> {
                tries[0]++;
                try {
                    CompleteMultipartUploadResponse resp = s3.completeMultipartUpload(b -> b.bucket(target.bucket())
                            .key(file.key()).uploadId(uploadId).multipartUpload(m -> m.parts(completed)));
                    return ETags.unquote(resp.eTag());
                } catch (AwsServiceException e) {
                    if (tries[0] > 1 && e.statusCode() == 404) {
                        // an earlier attempt completed it but its response was lost: check what is stored
                        String stored = ETags.unquote(s3.headObject(h -> h.bucket(target.bucket()).key(file.key()))
                                .eTag());
                        if (expected.equalsIgnoreCase(stored)) {
                            return stored;
                        }
                    }
                    throw e;
                }
            });
            openMultipart.remove(uploadId);
            String eTag = done.value();
            if (ETags.isMultipart(eTag) && !eTag.equalsIgnoreCase(expected)) {
                deleteQuietly(file.key());
                throw new ChecksumMismatchException("the store's ETag " + eTag + " differs from the local "
                        + expected + " of " + file.relativePath());
            }
            return new Retrier.Result<>(eTag, attempts.get() + done.attempts() - 1);
        } catch (Exception e) {
            for (Future<?> other : futures) {
                other.cancel(true);
            }
            if (openMultipart.remove(uploadId) != null) {
                abortQuietly(file.key(), uploadId);
            }
            throw e;
        }
    }

    private void abortQuietly(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(target.bucket()).key(key).uploadId(uploadId));
        } catch (RuntimeException e) {
            LOG.warn("could not abort multipart upload {} of {}: {}; `stowage s3 cleanup {}` removes it later",
                    uploadId, key, e.toString(), target);
        }
    }

    private void abortOpenMultipart() {
        for (Map.Entry<String, String> e : openMultipart.entrySet()) {
            abortQuietly(e.getValue(), e.getKey());
        }
        openMultipart.clear();
    }

    private void deleteQuietly(String key) {
        try {
            s3.deleteObject(b -> b.bucket(target.bucket()).key(key));
        } catch (RuntimeException e) {
            LOG.warn("could not delete {} after its source changed: {}", key, e.toString());
        }
    }
}
